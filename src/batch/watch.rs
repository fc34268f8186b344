//! Watch mode: a build repeated whenever a file it reads changes.
//!
//! Files are polled (modification time and size), not watched through the operating system:
//! a batch reads a handful of small files, and polling works the same on every platform and
//! file system. Editors often save in several steps, so a change counts once the files have
//! stayed the same for a while: one build per save.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{scene_paths, Batch};
use crate::error::Error;
use crate::report::{Progress, Report};
use crate::scene;

/// How often watched files are looked at, and how long they must stay unchanged after a change
/// before the build runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchTiming {
    pub poll: Duration,
    pub settle: Duration,
}

impl Default for WatchTiming {
    fn default() -> Self {
        WatchTiming {
            poll: Duration::from_millis(100),
            settle: Duration::from_millis(250),
        }
    }
}

/// Each watched file with its modification time and size (`None` while it cannot be read).
type Snapshot = Vec<(PathBuf, Option<(SystemTime, u64)>)>;

/// The files a batch reads (scene files, and the data files of the scenes that read), as they
/// were when last looked at.
#[derive(Debug)]
pub struct Watcher {
    inputs: Vec<PathBuf>,
    timing: WatchTiming,
    seen: Snapshot,
}

impl Watcher {
    /// Starts watching what `inputs` (scene files or folders) name, as they are now.
    pub fn new(inputs: &[PathBuf], timing: WatchTiming) -> Self {
        Watcher {
            inputs: inputs.to_vec(),
            timing,
            seen: snapshot(inputs),
        }
    }

    /// How many files are watched.
    pub fn files(&self) -> usize {
        self.seen.len()
    }

    /// Blocks until a watched file (or the set of watched files) changes and then stays
    /// unchanged for the settle time.
    pub fn wait_for_change(&mut self) {
        loop {
            std::thread::sleep(self.timing.poll);
            let mut settled = snapshot(&self.inputs);
            if settled == self.seen {
                continue;
            }
            loop {
                std::thread::sleep(self.timing.settle);
                let again = snapshot(&self.inputs);
                if again == settled {
                    break;
                }
                settled = again;
            }
            self.seen = settled;
            return;
        }
    }
}

/// The watched files now: the scene files `inputs` name and the data files of each of them
/// that reads as a scene (an invalid scene is still watched by its own file, so fixing it is
/// seen).
fn snapshot(inputs: &[PathBuf]) -> Snapshot {
    let mut files: Vec<PathBuf> = scene_paths(inputs).unwrap_or_default();
    for path in files.clone() {
        if let Ok(s) = scene::load(&path) {
            files.extend(s.inputs);
        }
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|path| {
            let stamp = std::fs::metadata(&path)
                .and_then(|m| Ok((m.modified()?, m.len())))
                .ok();
            (path, stamp)
        })
        .collect()
}

impl Batch {
    /// Runs the build, hands its result to `each`, waits for a change of a file the build reads,
    /// and runs it again, until `each` says to stop. An invalid scene is one more result: the
    /// watching goes on.
    pub fn watch(
        &self,
        progress: &dyn Progress,
        timing: WatchTiming,
        mut each: impl FnMut(Result<Report, Error>, &Watcher) -> ControlFlow<()>,
    ) {
        let mut watcher = Watcher::new(&self.inputs, timing);
        loop {
            if each(self.run(progress), &watcher).is_break() {
                return;
            }
            watcher.wait_for_change();
        }
    }
}
