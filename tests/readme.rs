//! The README's reference tables are the ones the declarations produce: the surface table under
//! "### Surfaces", the optimizer table under "### Optimizers" and the schedule table under
//! "### Schedules" must equal `inertia::reference::surfaces_markdown()`,
//! `optimizers_markdown()` and `schedules_markdown()` (what `render --list` is made from). A failure prints the table to paste; `INERTIA_BLESS=1 cargo test --test readme`
//! writes the tables into the README instead.

use std::path::Path;
use std::sync::Mutex;

/// Serialises the tests' reads and writes of the README (blessing rewrites it).
static README: Mutex<()> = Mutex::new(());

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(path).expect("README.md")
}

/// The first markdown table after the heading line that starts with `heading`.
fn table_after(text: &str, heading: &str) -> String {
    let start = text
        .lines()
        .position(|l| l.starts_with(heading))
        .unwrap_or_else(|| panic!("README.md has no heading `{heading}`"));
    let mut out = String::new();
    for line in text
        .lines()
        .skip(start + 1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
    {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[track_caller]
fn assert_table(heading: &str, expected: &str) {
    let _lock = README.lock().unwrap_or_else(|e| e.into_inner());
    let text = readme();
    let found = table_after(&text, heading);
    if found != expected && std::env::var_os("INERTIA_BLESS").is_some_and(|v| v == "1") {
        let at = text.find(heading).expect("the heading")
            + text[text.find(heading).unwrap()..]
                .find(&found)
                .expect("the table after its heading");
        let blessed = format!("{}{expected}{}", &text[..at], &text[at + found.len()..]);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        std::fs::write(&path, blessed).expect("write README.md");
        eprintln!("wrote the table under `{heading}` into {}", path.display());
        return;
    }
    assert!(
        found == expected,
        "the README's table under `{heading}` differs from the declarations; paste this \
         table in its place:\n\n{expected}\n(found:\n{found})"
    );
}

#[test]
fn the_surface_table_is_generated_from_the_declarations() {
    assert_table("### Surfaces", &inertia::reference::surfaces_markdown());
}

#[test]
fn the_optimizer_table_is_generated_from_the_declarations() {
    assert_table("### Optimizers", &inertia::reference::optimizers_markdown());
}

#[test]
fn the_schedule_table_is_generated_from_the_declarations() {
    assert_table("### Schedules", &inertia::reference::schedules_markdown());
}

#[test]
fn a_table_is_found_under_its_heading_only() {
    let text =
        "# A\n| x |\n### Surfaces\n\nsome words\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n";
    assert_eq!(
        table_after(text, "### Surfaces"),
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    );
}
