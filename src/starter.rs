//! `render --new NAME`: a commented starter scene that renders as it is and shows the keys a
//! course author reaches for first (the full list is `render --list` and `scene.schema.json`).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The folder starter scenes go into, under the working directory.
pub const SCENES: &str = "scenes";

/// The text of a starter scene whose outputs are named `name`.
pub fn starter_scene(name: &str) -> String {
    format!(
        r#"# A starter scene: render it with `render scenes/{name}.toml`, then change it.
# Every key is listed by `render --list`; the README explains each table.
title = "Gradient descent vs momentum"

[output]
name = "{name}"              # files: outputs/{name}.gif, .png, .svg, .csv and the charts
size = [640, 480]            # pixels
fps = 15
steps = 60                   # the animation has steps + 1 frames

[surface]
kind = "quadratic"           # f = ½(a·x² + b·y²); also "rosenbrock", "himmelblau", a formula, ...
a = 1.0
b = 10.0
x = [-3.0, 3.0]              # the window shown
y = [-3.0, 3.0]

[draw]
charts = ["loss"]            # also "rate", "stability", "damping", "ewma", "surface3d"

[[start]]                    # one table per start point
at = [2.5, -2.0]

[[optimizer]]                # one table per optimizer; a list sweeps, e.g. lr = [0.01, 0.05]
label = "GD lr={{lr}}"        # {{lr}}, {{beta}}, ... are filled in with the run's values
kind = "gd"
lr = 0.05

[[optimizer]]
label = "Momentum β={{beta}}"
kind = "momentum"            # also "nesterov", "adagrad", "rmsprop", "adam", "adamw", ...
lr = 0.05
beta = 0.9
"#
    )
}

/// Writes the starter scene `NAME` to `scenes/NAME.toml` under `root` (a `NAME` with slashes
/// makes sub-folders: `chapter1/intro`) and returns its path. Refuses a name that is not a
/// plain relative path of letters, digits, `_`, `-` and `/`, and never overwrites a file.
pub fn write_starter(root: &Path, name: &str) -> Result<PathBuf, Error> {
    let plain = !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        });
    if !plain {
        return Err(Error::Usage(format!(
            "--new takes a scene name of letters, digits, `_`, `-` (and `/` for sub-folders), \
             not `{}`",
            crate::scene::diagnostic::quote(name)
        )));
    }
    let path = root.join(SCENES).join(format!("{name}.toml"));
    let output_name = name.rsplit('/').next().unwrap_or(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::Usage(format!(
                "cannot make the folder `{}`: {e}",
                parent.display()
            ))
        })?;
    }
    // Created only if absent, in one step: nothing is ever overwritten.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Usage(format!(
                    "`{}` already exists; choose another name (it is left as it is)",
                    path.display()
                ))
            } else {
                Error::Usage(format!("cannot write `{}`: {e}", path.display()))
            }
        })?;
    std::io::Write::write_all(&mut file, starter_scene(output_name).as_bytes())
        .map_err(|e| Error::Usage(format!("cannot write `{}`: {e}", path.display())))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter scene is a valid scene as it is, and names its outputs after the scene.
    #[test]
    fn the_starter_scene_checks_and_renders() {
        let text = starter_scene("first");
        let s = crate::scene::Scene::from_toml(Path::new("scenes/first.toml"), &text).unwrap();
        assert_eq!(s.output.name, "first");
        assert_eq!(s.runs.len(), 2);
        assert_eq!(s.runs[0].label, "GD lr=0.05");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        let outputs = crate::pipeline::render(&s, &crate::report::NoProgress).unwrap();
        assert!(!outputs.files.is_empty());
    }

    #[test]
    fn starters_are_written_once_and_only_under_plain_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_starter(dir.path(), "chapter1/intro").unwrap();
        assert_eq!(path, dir.path().join("scenes/chapter1/intro.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("name = \"intro\""));
        // Never overwritten.
        std::fs::write(&path, "mine").unwrap();
        let e = write_starter(dir.path(), "chapter1/intro").unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        for bad in ["", "../up", "a//b", "/abs", "a b", "x.toml"] {
            assert!(write_starter(dir.path(), bad).is_err(), "{bad:?}");
        }
    }
}
