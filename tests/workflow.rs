//! The GitHub workflow `.github/workflows/assets.yml`: it runs the project's test command,
//! renders every scene and uploads the outputs, and `actionlint` (when installed) finds nothing
//! wrong with it.

use std::path::PathBuf;
use std::process::Command;

fn workflow() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/assets.yml")
}

/// `name` as found on `PATH`, if it is there.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[test]
fn workflow_tests_renders_and_uploads() {
    let text = std::fs::read_to_string(workflow()).expect("read .github/workflows/assets.yml");
    for needle in ["bash .ci/run", "scenes/", "upload-artifact"] {
        assert!(
            text.contains(needle),
            "assets.yml does not mention `{needle}`"
        );
    }
}

#[test]
fn actionlint_accepts_the_workflow() {
    let Some(actionlint) = on_path("actionlint") else {
        println!("skipped: actionlint not installed (.ci/run installs it from npm)");
        return;
    };
    let out = Command::new(&actionlint)
        .arg("-no-color")
        .arg(workflow())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run actionlint");
    assert!(
        out.status.success(),
        "{} found problems in assets.yml ({}):\n{}{}",
        actionlint.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
