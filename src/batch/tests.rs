//! Batch builds without the command line: real scenes rendered into temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::manifest::{self, FileRecord};
use crate::report::NoProgress;
use crate::scene::LoadOptions;

/// A small scene (160×160, `steps` steps, one run) writing `<name>.*`.
fn scene_text(name: &str, steps: usize) -> String {
    format!(
        "[output]\nname = \"{name}\"\nsize = [160, 160]\nsteps = {steps}\nfps = 10\nhold = 0\n\
         [surface]\nkind = \"bowl\"\n[[start]]\nat = [2.0, 1.0]\n\
         [[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.1\n"
    )
}

/// A folder of scene files and an output folder beside it, removed on drop.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn scene(&self, file: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(file);
        fs::write(&path, text).unwrap();
        path
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn batch(&self, scenes: &[&PathBuf], mode: Mode) -> Batch {
        Batch {
            inputs: scenes.iter().map(|p| p.to_path_buf()).collect(),
            out: self.out(),
            mode,
            options: LoadOptions::default(),
        }
    }

    /// Every file in the output folder with its bytes.
    fn contents(&self) -> BTreeMap<String, Vec<u8>> {
        let Ok(entries) = fs::read_dir(self.out()) else {
            return BTreeMap::new();
        };
        entries
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, fs::read(e.path()).unwrap())
            })
            .collect()
    }
}

const RENDER: Mode = Mode::Render {
    force: false,
    prune: false,
};

fn outcomes(report: &Report) -> Vec<(&str, &Outcome)> {
    report
        .scenes
        .iter()
        .map(|s| (s.name.as_str(), &s.outcome))
        .collect()
}

/// Counts every progress event, and keeps the notes as text.
#[derive(Default)]
struct Counting {
    batches: AtomicUsize,
    started: AtomicUsize,
    frames: AtomicUsize,
    frames_done: AtomicUsize,
    done: AtomicUsize,
    notes: Mutex<Vec<String>>,
}

impl Progress for Counting {
    fn batch_started(&self, _scenes: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
    }
    fn scene_started(&self, _scene: &Scene) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }
    fn frames(&self, _scene: &Scene, total: usize) {
        self.frames.fetch_add(total, Ordering::Relaxed);
    }
    fn frame_done(&self, _scene: &Scene) {
        self.frames_done.fetch_add(1, Ordering::Relaxed);
    }
    fn scene_done(&self, _scene: &Scene) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
    fn note(&self, note: &Note<'_>) {
        let text = match note {
            Note::Warning(w) => format!("warning: {}", w.message),
            Note::Diverged { scene, run } => {
                format!(
                    "{}: run {} diverged at {}",
                    scene.output.name, run.run, run.step
                )
            }
            Note::Timings { .. } => return,
            Note::Folder(text) => text.to_string(),
        };
        self.notes.lock().unwrap().push(text);
    }
}

impl Counting {
    fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::Relaxed)
    }
}

#[test]
fn check_reports_every_scene_and_writes_nothing() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("a", 3));
    let b = p.scene("b.toml", &scene_text("b", 4));
    let report = p.batch(&[&a, &b], Mode::Check).run(&NoProgress).unwrap();
    assert_eq!(
        outcomes(&report),
        [("a", &Outcome::Checked), ("b", &Outcome::Checked)]
    );
    assert_eq!(report.scenes[1].path, b);
    assert_eq!(report.scenes[1].runs, 1);
    assert!(!p.out().exists());
}

#[test]
fn unchanged_scenes_are_skipped_and_force_renders_them() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("a", 3));
    let b = p.scene("b.toml", &scene_text("b", 3));
    let batch = p.batch(&[&a, &b], RENDER);

    let progress = Counting::default();
    let report = batch.run(&progress).unwrap();
    let Outcome::Rendered { files, .. } = &report.scenes[0].outcome else {
        panic!("{:?}", report.scenes[0]);
    };
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "a.gif",
            "a.png",
            "a.svg",
            "a.csv",
            "a.html",
            "a.txt",
            "a.loss.png",
            "a.loss.svg"
        ]
    );
    let first = p.contents();
    for f in files {
        assert_eq!(f.bytes, first[&f.name].len() as u64, "{}", f.name);
    }
    assert!(first.contains_key(manifest::FILE) && first.contains_key(gallery::FILE));
    // Every frame of both scenes was announced and reported drawn.
    assert_eq!(Counting::get(&progress.started), 2);
    assert_eq!(Counting::get(&progress.frames), 2 * 4);
    assert_eq!(Counting::get(&progress.frames_done), 2 * 4);
    assert_eq!(Counting::get(&progress.done), 2);

    // Nothing changed: both skipped, nothing rewritten, no scene started.
    let progress = Counting::default();
    let report = batch.run(&progress).unwrap();
    assert_eq!(
        outcomes(&report),
        [("a", &Outcome::Skipped), ("b", &Outcome::Skipped)]
    );
    assert_eq!(p.contents(), first);
    assert_eq!(Counting::get(&progress.started), 0);
    assert_eq!(Counting::get(&progress.done), 2);

    // One scene edited: only it renders.
    fs::write(&a, scene_text("a", 4)).unwrap();
    let report = batch.run(&NoProgress).unwrap();
    assert!(matches!(report.scenes[0].outcome, Outcome::Rendered { .. }));
    assert_eq!(report.scenes[1].outcome, Outcome::Skipped);

    // An output changed by hand is rendered again.
    fs::write(p.out().join("b.csv"), "edited").unwrap();
    let report = batch.run(&NoProgress).unwrap();
    assert_eq!(report.scenes[0].outcome, Outcome::Skipped);
    assert!(matches!(report.scenes[1].outcome, Outcome::Rendered { .. }));

    // Forced, everything renders.
    let forced = Batch {
        mode: Mode::Render {
            force: true,
            prune: false,
        },
        ..batch
    };
    let report = forced.run(&NoProgress).unwrap();
    assert!(report
        .scenes
        .iter()
        .all(|s| matches!(s.outcome, Outcome::Rendered { .. })));
}

#[test]
fn verify_names_each_differing_or_missing_file_and_writes_nothing() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("v", 3));
    p.batch(&[&a], RENDER).run(&NoProgress).unwrap();
    let verify = p.batch(&[&a], Mode::Verify);
    let report = verify.run(&NoProgress).unwrap();
    assert!(matches!(report.scenes[0].outcome, Outcome::Verified { .. }));

    fs::write(p.out().join("v.png"), b"not the png").unwrap();
    fs::remove_file(p.out().join("v.csv")).unwrap();
    let before = p.contents();
    let e = verify.run(&NoProgress).unwrap_err();
    let Error::Verify { differing } = &e else {
        panic!("{e}");
    };
    assert_eq!(differing, &[p.out().join("v.png"), p.out().join("v.csv")]);
    assert_eq!(e.exit_code(), 1);
    assert_eq!(p.contents(), before, "--verify wrote something");
}

#[test]
fn manifest_records_are_merged_with_those_already_there() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("a", 3));
    let b = p.scene("b.toml", &scene_text("b", 3));
    p.batch(&[&a], RENDER).run(&NoProgress).unwrap();
    let record_a = Manifest::load(&p.out()).0.scenes["a"].clone();

    /// Saves a record for another scene while the build renders, as a concurrent render
    /// into the same folder would.
    struct Concurrent<'a>(&'a Path);
    impl Progress for Concurrent<'_> {
        fn scene_started(&self, _scene: &Scene) {
            let mut m = Manifest::load(self.0).0;
            m.scenes.insert(
                "elsewhere".into(),
                SceneRecord {
                    scene: "elsewhere.toml".into(),
                    inputs: BTreeMap::new(),
                    inertia: "0".into(),
                    outputs: BTreeMap::from([(
                        "elsewhere.csv".into(),
                        FileRecord {
                            bytes: 1,
                            sha256: manifest::sha256(b"x"),
                        },
                    )]),
                    card: None,
                },
            );
            m.save(self.0).unwrap();
        }
    }
    p.batch(&[&b], RENDER).run(&Concurrent(&p.out())).unwrap();
    let m = Manifest::load(&p.out()).0;
    assert_eq!(
        m.scenes.keys().collect::<Vec<_>>(),
        ["a", "b", "elsewhere"],
        "records were lost"
    );
    assert_eq!(m.scenes["a"], record_a);
    assert!(m.scenes["b"].outputs.contains_key("b.gif"));
    // The gallery lists the scenes whose files still read as scenes.
    let page = fs::read_to_string(p.out().join(gallery::FILE)).unwrap();
    assert!(page.contains("a.gif") && page.contains("b.gif"), "{page}");
    assert!(!page.contains("elsewhere"), "{page}");
}

/// A scene a build does not load is listed in the gallery from the card its record keeps, as
/// it was rendered, without its scene file being read; a record from before cards were kept is
/// listed from its scene file, read again, and left out when that no longer reads as a scene.
#[test]
fn the_gallery_lists_other_scenes_from_their_records() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("a", 3));
    let b_text = scene_text("b", 3).replace("[output]", "title = \"Bowl B\"\n[output]");
    let b = p.scene("b.toml", &b_text);
    p.batch(&[&a, &b], RENDER).run(&NoProgress).unwrap();
    let page = || fs::read_to_string(p.out().join(gallery::FILE)).unwrap();
    let full = page();
    assert!(full.contains("Bowl B") && full.contains("b.gif"), "{full}");
    let (m, _) = Manifest::load(&p.out());
    assert_eq!(
        m.scenes["b"].card.as_ref().map(|c| c.title.as_str()),
        Some("Bowl B")
    );

    // b's file no longer reads as a scene: its card still lists it, as rendered, and a's
    // render alone writes the same page the render of both did.
    fs::write(&b, "not = [a scene").unwrap();
    let forced = Mode::Render {
        force: true,
        prune: false,
    };
    p.batch(&[&a], forced).run(&NoProgress).unwrap();
    assert_eq!(page(), full);

    // Without cards (a manifest from before them), b is read again, and is left out.
    let text = fs::read_to_string(p.out().join(manifest::FILE)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for record in json["scenes"].as_object_mut().unwrap().values_mut() {
        record.as_object_mut().unwrap().remove("card");
    }
    fs::write(p.out().join(manifest::FILE), json.to_string()).unwrap();
    p.batch(&[&a], forced).run(&NoProgress).unwrap();
    assert!(!page().contains("b.gif"), "{}", page());
    fs::write(&b, &b_text).unwrap();
    fs::write(p.out().join(manifest::FILE), json.to_string()).unwrap();
    p.batch(&[&a], forced).run(&NoProgress).unwrap();
    assert_eq!(page(), full);
}

#[test]
fn two_scenes_with_one_name_are_refused_before_any_work() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("same", 3));
    let b = p.scene("b.toml", &scene_text("same", 4));
    let e = p.batch(&[&a, &b], RENDER).run(&NoProgress).unwrap_err();
    match &e {
        Error::Invalid { errors } => {
            assert_eq!(errors.len(), 1, "{e}");
            assert_eq!(errors[0].path, b);
            assert_eq!(errors[0].key, "output.name");
            assert!(errors[0].line > 1, "located at the name: {e}");
            assert!(
                errors[0].message.contains("would both write `same.gif`"),
                "{e}"
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(e.exit_code(), 2);
    assert!(!p.out().exists(), "wrote {:?}", p.contents().keys());
}

#[test]
fn an_invalid_scene_stops_the_batch_before_any_work() {
    let p = Project::new();
    let good = p.scene("a.toml", &scene_text("good", 3));
    let bad = p.scene(
        "b.toml",
        &scene_text("bad", 3).replace("lr = 0.1", "lr = -1"),
    );
    let e = p
        .batch(&[&good, &bad], RENDER)
        .run(&NoProgress)
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e}");
    assert_eq!(e.exit_code(), 2);
    assert!(!p.out().exists());
    // A folder argument expands to its scenes, sorted: the same happens.
    let folder = Batch {
        inputs: vec![p.dir.path().to_path_buf()],
        out: p.out(),
        mode: RENDER,
        options: LoadOptions::default(),
    };
    assert!(matches!(
        folder.run(&NoProgress),
        Err(Error::Invalid { .. })
    ));
    assert_eq!(
        scene_paths(&folder.inputs).unwrap(),
        [good.clone(), bad.clone()]
    );
}

#[test]
fn frames_are_written_alone_and_a_step_beyond_the_scene_is_invalid() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("f", 5));
    let report = p
        .batch(&[&a], Mode::Frame { step: 2 })
        .run(&NoProgress)
        .unwrap();
    let path = p.out().join("f.frame2.png");
    assert_eq!(report.scenes[0].outcome, Outcome::FrameWritten { path });
    assert_eq!(p.contents().keys().collect::<Vec<_>>(), ["f.frame2.png"]);
    let e = p
        .batch(&[&a], Mode::Frame { step: 6 })
        .run(&NoProgress)
        .unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        matches!(e, Error::Usage(_)),
        "a command-line error, not a scene's: {e}"
    );
    assert!(e.to_string().contains("which has 5 (frames 0 to 5)"), "{e}");
}

#[test]
fn diverged_runs_are_noted_while_rendering_and_reported() {
    let p = Project::new();
    // GD with lr = 1.5 on x² + y² multiplies the position by −2 each step; it leaves the window
    // grown by 10 window sizes on every side (|x| > 63) at step 5.
    let a = p.scene(
        "d.toml",
        &scene_text("d", 8).replace("lr = 0.1", "lr = 1.5"),
    );
    let progress = Counting::default();
    let report = p.batch(&[&a], RENDER).run(&progress).unwrap();
    let diverged = &report.scenes[0].diverged;
    assert_eq!(diverged.len(), 1, "{diverged:?}");
    assert_eq!((diverged[0].run, diverged[0].label.as_str()), (0, "GD"));
    let notes = progress.notes.lock().unwrap();
    assert_eq!(
        *notes,
        [format!("d: run 0 diverged at {}", diverged[0].step)]
    );
}

#[test]
fn warnings_are_noted_and_kept_in_the_report() {
    let p = Project::new();
    // A start point outside the view window the scene sets is a warning, not an error.
    let text = scene_text("w", 3).replace(
        "kind = \"bowl\"",
        "kind = \"bowl\"\nx = [-3.0, 3.0]\ny = [-3.0, 3.0]",
    );
    let a = p.scene(
        "w.toml",
        &text.replace("at = [2.0, 1.0]", "at = [5.0, 1.0]"),
    );
    let progress = Counting::default();
    let report = p.batch(&[&a], Mode::Check).run(&progress).unwrap();
    assert_eq!(report.scenes[0].warnings.len(), 1);
    let notes = progress.notes.lock().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("outside the view window"), "{notes:?}");
}

#[test]
fn stray_temporaries_are_swept_before_a_render() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("t", 3));
    fs::create_dir_all(p.out()).unwrap();
    let stray = p.out().join(".t.gif.inertia-tmp-AbC123");
    fs::write(&stray, b"half").unwrap();
    // An output whose name has the marker in it is not a temporary.
    let kept = p.out().join("t.inertia-tmp-1.png");
    fs::write(&kept, b"kept").unwrap();
    p.batch(&[&a], RENDER).run(&NoProgress).unwrap();
    assert!(!stray.exists());
    assert_eq!(fs::read(&kept).unwrap(), b"kept");
}

#[test]
fn watch_builds_again_after_each_change_and_goes_on_after_errors() {
    let p = Project::new();
    let a = p.scene("a.toml", &scene_text("w", 3));
    let batch = p.batch(&[&a], Mode::Check);
    let timing = WatchTiming {
        poll: Duration::from_millis(10),
        settle: Duration::from_millis(30),
    };
    let mut rounds: Vec<Result<usize, i32>> = Vec::new();
    batch.watch(&NoProgress, timing, |result, watcher| {
        assert_eq!(watcher.files(), 1);
        rounds.push(result.map(|r| r.scenes[0].runs).map_err(|e| e.exit_code()));
        // Each round edits the scene (a different length, so the change shows whatever the
        // clock's resolution): first into an invalid one, then into a valid one again.
        match rounds.len() {
            1 => fs::write(&a, scene_text("w", 3).replace("lr = 0.1", "lr = -1")).unwrap(),
            2 => fs::write(
                &a,
                scene_text("w", 3).replace(
                    "at = [2.0, 1.0]",
                    "at = [2.0, 1.5]\n[[start]]\nat = [1.0, 1.0]",
                ),
            )
            .unwrap(),
            _ => return ControlFlow::Break(()),
        }
        ControlFlow::Continue(())
    });
    assert_eq!(rounds, [Ok(1), Err(2), Ok(2)]);
}
