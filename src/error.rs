//! The library's error: every failure of a build, by class, each carrying its real cause.
//!
//! [`Error::exit_code`] maps the classes to the command line's exit statuses: 2 for invalid
//! input (a scene, a data file, the output folder, two scenes writing one name), found before
//! any work; 1 for anything else. `Display` is the message a user reads; `source()` walks down to
//! the underlying I/O or codec error.

use std::path::PathBuf;

use crate::encode::gif::GifError;
use crate::manifest::ManifestError;
use crate::output::OutputError;
use crate::picture::DrawError;
use crate::scene::SceneError;

/// Everything that can go wrong, by class.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid input: the scene (or a file it reads) is wrong.
    #[error(transparent)]
    Scene(#[from] SceneError),
    /// Invalid input: every independent error of every scene of a build, scene by scene in the
    /// order given, each scene's in file order.
    #[error("{}", Invalid(errors))]
    Invalid { errors: Vec<SceneError> },
    /// Invalid input on the command line (e.g. a `--frame` beyond a scene's steps).
    #[error("{0}")]
    Usage(String),
    /// Invalid input: two scenes would write the same files.
    #[error(
        "{} and {} would both write `{name}.*`; give one of them another `output.name`",
        first.display(),
        second.display()
    )]
    SameOutput {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    /// Invalid input: the output folder cannot be created or written (found before any work).
    #[error(transparent)]
    OutputDir(OutputError),
    /// Drawing failed.
    #[error(transparent)]
    Render(#[from] DrawError),
    /// Encoding failed.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// Writing an output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Writing the manifest failed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// `--verify` found outputs that differ from what this version renders (or are missing).
    #[error(
        "{} output file(s) differ from what this version renders; render the scenes again and commit the outputs",
        differing.len()
    )]
    Verify {
        /// Each differing file, in scene order.
        differing: Vec<PathBuf>,
    },
}

impl Error {
    /// 2 for invalid input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scene(_)
            | Error::Invalid { .. }
            | Error::Usage(_)
            | Error::OutputDir(_)
            | Error::SameOutput { .. } => 2,
            Error::Render(_)
            | Error::Encode(_)
            | Error::Output(_)
            | Error::Manifest(_)
            | Error::Verify { .. } => 1,
        }
    }
}

/// Several scene errors as one message: each error (the first without the `error: ` its reader
/// prints before the whole), then how many there are in how many files.
struct Invalid<'a>(&'a [SceneError]);

impl std::fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "error: ")?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() > 1 {
            let mut files: Vec<&std::path::Path> =
                self.0.iter().map(|e| e.path.as_path()).collect();
            files.sort();
            files.dedup();
            writeln!(
                f,
                "error: {} errors in {} file{}",
                self.0.len(),
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

/// A file format's encoder failed (not an input error: the scene was already checked).
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// The `gif` crate refused a frame or the file.
    #[error(transparent)]
    Gif(#[from] GifError),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[source] crate::encode::png::PngError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn exit_codes_follow_the_class() {
        let io = || std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let output = || OutputError {
            path: PathBuf::from("out/a.gif"),
            source: io(),
        };
        let scene = SceneError::whole_file(std::path::Path::new("a.toml"), "bad");
        assert_eq!(Error::from(scene).exit_code(), 2);
        assert_eq!(Error::OutputDir(output()).exit_code(), 2);
        let same = Error::SameOutput {
            name: "s".into(),
            first: "a.toml".into(),
            second: "b.toml".into(),
        };
        assert_eq!(same.exit_code(), 2);
        assert_eq!(Error::from(output()).exit_code(), 1);
        let verify = Error::Verify {
            differing: vec!["out/a.png".into(), "out/a.csv".into()],
        };
        assert_eq!(verify.exit_code(), 1);
        assert!(verify.to_string().starts_with("2 output file(s) differ"));
    }

    #[test]
    fn the_cause_is_a_source_not_only_text() {
        let e = Error::from(OutputError {
            path: PathBuf::from("out/a.gif"),
            source: std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"),
        });
        assert_eq!(e.to_string(), "cannot write `out/a.gif`: disk full");
        let io = e
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("the I/O error is the source");
        assert_eq!(io.kind(), std::io::ErrorKind::StorageFull);

        let png = crate::encode::png::encode_rgb(&[], 0, 0).unwrap_err();
        let e = Error::from(EncodeError::Png(png));
        assert!(e.to_string().starts_with("PNG encoding failed: "), "{e}");
        assert!(e
            .source()
            .is_some_and(|s| s.downcast_ref::<crate::encode::png::PngError>().is_some()));
    }
}
