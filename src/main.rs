//! `render`: the command line. It parses arguments into a [`Batch`], shows the batch's progress
//! as terminal bars, prints its report, and maps errors to exit statuses (2 for invalid input,
//! 1 for other failures). Every build decision lives in the library ([`inertia::batch`]).
//!
//! Everything is printed through [`say`] and [`tell`], which ignore a closed pipe: `render
//! --schema | head -1` or a reader that goes away never makes `render` panic, and the exit
//! status is the one the run would have had anyway.

use std::collections::HashMap;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use inertia::batch::{Batch, Mode, WatchTiming};
use inertia::report::{Note, Outcome, Progress, Report};
use inertia::scene::Scene;
use inertia::sync::lock;
use inertia::Error;

/// Large buffers on huge pages (see `inertia::memory`).
#[global_allocator]
static ALLOCATOR: inertia::memory::HugePages = inertia::memory::HugePages;

/// Render optimizer trajectories on 2-D loss surfaces as GIFs, PNG figures and CSV.
#[derive(Debug, Parser)]
#[command(name = "render", version, about)]
struct Cli {
    /// Scene files (TOML), folders whose *.toml files (sub-folders included) are scenes, or
    /// `-` for a scene on standard input.
    #[arg(value_name = "SCENE", required_unless_present_any = ["list", "schema", "new"])]
    scenes: Vec<PathBuf>,
    /// Folder the outputs are written to.
    #[arg(short, long, value_name = "DIR", default_value = "outputs")]
    out: PathBuf,
    /// Check the scenes and report errors; write nothing.
    #[arg(long)]
    check: bool,
    /// List the built-in surfaces and optimizers with their formulas.
    #[arg(long)]
    list: bool,
    /// Write only the frame at step N, as NAME.frameN.png.
    #[arg(long, value_name = "N")]
    frame: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Render scenes even when their outputs are up to date (see outputs/manifest.json).
    #[arg(long)]
    force: bool,
    /// Render in memory and fail (exit 1) if any output in the output folder differs.
    #[arg(long, conflicts_with_all = ["check", "frame"])]
    verify: bool,
    /// Print the JSON Schema of the scene format.
    #[arg(long)]
    schema: bool,
    /// Render, then render again whenever a scene file (or a data file it reads) changes;
    /// errors are printed and watching goes on. Stop with Ctrl-C.
    #[arg(long, conflicts_with_all = ["check", "frame", "verify"])]
    watch: bool,
    /// Also delete the files the manifest lists for scenes (in the folders rendered) that no
    /// longer exist, and say which.
    #[arg(long, conflicts_with_all = ["check", "frame", "verify", "watch"])]
    prune: bool,
    /// Write a commented starter scene to scenes/NAME.toml (never over an existing file) and
    /// say how to render it.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["check", "frame", "verify", "watch", "prune"])]
    new: Option<String>,
    /// Let scenes read data files and fonts anywhere (by default they must be in the scene's
    /// folder or the working directory).
    #[arg(long)]
    allow_outside: bool,
}

/// Writes to standard output, ignoring a closed pipe (nobody is reading any more).
fn say(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Writes to standard error, ignoring a closed pipe.
fn tell(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

impl Cli {
    fn batch(&self) -> Batch {
        let mode = if self.check {
            Mode::Check
        } else if let Some(step) = self.frame {
            Mode::Frame { step }
        } else if self.verify {
            Mode::Verify
        } else {
            Mode::Render {
                force: self.force,
                prune: self.prune,
            }
        };
        Batch {
            inputs: self.scenes.clone(),
            out: self.out.clone(),
            mode,
            options: inertia::scene::LoadOptions {
                allow_outside: self.allow_outside,
            },
        }
    }
}

/// Progress on a terminal: one bar per rendering scene and one for all of them (indicatif hides
/// them when stderr is not a terminal), notes printed above the bars.
struct Bars {
    multi: MultiProgress,
    quiet: bool,
    overall: Mutex<Option<ProgressBar>>,
    /// Each rendering scene's bar, by output name (unique within a batch).
    scenes: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new(quiet: bool) -> Self {
        let multi = if quiet {
            MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
        } else {
            MultiProgress::new()
        };
        Bars {
            multi,
            quiet,
            overall: Mutex::new(None),
            scenes: Mutex::new(HashMap::new()),
        }
    }

    fn bar(&self, scene: &Scene) -> Option<ProgressBar> {
        lock(&self.scenes).get(&scene.output.name).cloned()
    }
}

fn bar_style(unit: &str) -> Option<ProgressStyle> {
    ProgressStyle::with_template(&format!(
        "{{prefix:>24}} [{{bar:30}}] {{pos}}/{{len}} {unit}"
    ))
    .ok()
    .map(|s| s.progress_chars("=> "))
}

impl Progress for Bars {
    fn batch_started(&self, scenes: usize) {
        let bar = self.multi.add(ProgressBar::new(scenes as u64));
        if let Some(style) = bar_style("scenes") {
            bar.set_style(style);
        }
        bar.set_prefix("all scenes");
        *lock(&self.overall) = Some(bar);
    }

    fn scene_started(&self, scene: &Scene) {
        let bar = self.multi.add(ProgressBar::new(0));
        if let Some(style) = bar_style("frames") {
            bar.set_style(style);
        }
        bar.set_prefix(scene.output.name.clone());
        lock(&self.scenes).insert(scene.output.name.clone(), bar);
    }

    fn frames(&self, scene: &Scene, total: usize) {
        if let Some(bar) = self.bar(scene) {
            bar.set_length(total as u64);
        }
    }

    fn frame_done(&self, scene: &Scene) {
        if let Some(bar) = self.bar(scene) {
            bar.inc(1);
        }
    }

    fn scene_done(&self, scene: &Scene) {
        let bar = lock(&self.scenes).remove(&scene.output.name);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Some(overall) = lock(&self.overall).clone() {
            overall.inc(1);
        }
    }

    fn batch_done(&self) {
        if let Some(overall) = lock(&self.overall).take() {
            overall.finish_and_clear();
        }
    }

    fn note(&self, note: &Note<'_>) {
        // Timings are asked for explicitly (`INERTIA_TIMINGS`), so even `--quiet` shows them.
        if self.quiet && !matches!(note, Note::Timings { .. }) {
            return;
        }
        self.multi.suspend(|| match note {
            // A scene error's text ends with a newline.
            Note::Warning(warning) => tell(&format!("warning: {warning}")),
            Note::Timings { scene, stages } => {
                let stages: Vec<String> = stages
                    .iter()
                    .map(|(stage, d)| format!("{stage} {:.1} ms", d.as_secs_f64() * 1e3))
                    .collect();
                tell(&format!(
                    "timings: {}: {}\n",
                    scene.output.name,
                    stages.join(", ")
                ));
            }
            Note::Diverged { scene, run } => tell(&format!(
                "note: {}: run {} ({}) {}\n",
                scene.path.display(),
                run.run,
                run.label,
                run.note
            )),
            Note::Folder(text) => tell(&format!("note: {text}\n")),
        });
    }
}

/// What a successful build prints: `ok:` lines for a check, the frames written, the verdict of
/// a verification, or the table of a render.
fn print_report(mode: Mode, report: &Report) {
    match mode {
        Mode::Check => {
            for s in &report.scenes {
                let runs = if s.runs == 1 { "run" } else { "runs" };
                tell(&format!("ok: {} ({} {runs})\n", s.path.display(), s.runs));
            }
        }
        Mode::Frame { .. } => {
            for s in &report.scenes {
                if let Outcome::FrameWritten { path } = &s.outcome {
                    tell(&format!("wrote {}\n", path.display()));
                }
            }
        }
        Mode::Verify => tell(&format!(
            "verified: the outputs of {} scenes match what this version renders\n",
            report.scenes.len()
        )),
        Mode::Render { .. } => {
            tell(&summary(report));
            for path in &report.pruned {
                tell(&format!("pruned {}\n", path.display()));
            }
        }
    }
}

/// The table printed after a render: scene, files, bytes, milliseconds, what was done.
fn summary(report: &Report) -> String {
    let mut out = format!(
        "{:<28} {:>5} {:>10} {:>8}  {}\n",
        "scene", "files", "bytes", "ms", ""
    );
    for s in &report.scenes {
        let line = match &s.outcome {
            Outcome::Rendered { files, millis } => {
                let bytes: u64 = files.iter().map(|f| f.bytes).sum();
                format!(
                    "{:<28} {:>5} {:>10} {:>8}  rendered",
                    s.name,
                    files.len(),
                    bytes,
                    millis
                )
            }
            Outcome::Skipped => format!(
                "{:<28} {:>5} {:>10} {:>8}  skipped (unchanged)",
                s.name, "", "", ""
            ),
            Outcome::Verified { millis } => format!(
                "{:<28} {:>5} {:>10} {:>8}  verified",
                s.name, "", "", millis
            ),
            Outcome::Checked | Outcome::FrameWritten { .. } => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Prints an error (even with `--quiet`): the files a verification found different, then the
/// message.
fn print_error(e: &Error) {
    if let Error::Verify { differing } = e {
        for path in differing {
            tell(&format!("differs: {}\n", path.display()));
        }
    }
    let text = e.to_string();
    tell(&format!("error: {text}"));
    if !text.ends_with('\n') {
        tell("\n");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.schema {
        say(&inertia::schema::scene_schema_json());
        return ExitCode::SUCCESS;
    }
    if cli.list {
        say(&inertia::catalogue());
        if cli.scenes.is_empty() {
            return ExitCode::SUCCESS;
        }
    }
    if let Some(name) = &cli.new {
        return match inertia::starter::write_starter(std::path::Path::new("."), name) {
            Ok(path) => {
                let path = path
                    .strip_prefix(".")
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                say(&format!("wrote {path}\nrender it with: render {path}\n"));
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&e);
                ExitCode::from(e.exit_code() as u8)
            }
        };
    }
    let piped = cli
        .scenes
        .iter()
        .filter(|p| inertia::input::is_stdin(p))
        .count();
    if piped > 1 || (piped == 1 && cli.watch) {
        print_error(&Error::Usage(if cli.watch {
            "--watch cannot watch standard input (`-`); give scene files".to_string()
        } else {
            "standard input (`-`) can be read once; give `-` once".to_string()
        }));
        return ExitCode::from(2);
    }
    let batch = cli.batch();
    let bars = Bars::new(cli.quiet);
    if cli.watch {
        batch.watch(&bars, WatchTiming::default(), |result, watcher| {
            match result {
                Ok(report) if !cli.quiet => print_report(batch.mode, &report),
                Ok(_) => {}
                Err(e) => print_error(&e),
            }
            if !cli.quiet {
                tell(&format!(
                    "watching {} file(s) for changes (Ctrl-C stops)\n",
                    watcher.files()
                ));
            }
            ControlFlow::Continue(())
        });
        return ExitCode::SUCCESS;
    }
    match batch.run(&bars) {
        Ok(report) => {
            if !cli.quiet {
                print_report(batch.mode, &report);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
