//! `render`: the command line. It parses arguments, calls the library and maps errors to exit
//! statuses (2 for invalid input, 1 for other failures); all logic lives in the library.

// Errors are reported once per run; carrying them by value keeps their fields plain.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::time::{Duration, Instant, SystemTime};

use clap::Parser;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use inertia::manifest::{self, Manifest};

use inertia::pipeline::{self, Error};
use inertia::scene::{self, Scene};

/// Render optimizer trajectories on 2-D loss surfaces as GIFs, PNG figures and CSV.
#[derive(Debug, Parser)]
#[command(name = "render", version, about)]
struct Cli {
    /// Scene files (TOML), or folders whose *.toml files are scenes.
    #[arg(value_name = "SCENE", required_unless_present_any = ["list", "schema"])]
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
    /// Write only the frame at step N, as <name>.frameN.png.
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
}

fn scene_paths(args: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let entries = std::fs::read_dir(arg).map_err(|e| {
                Error::Scene(scene::SceneError::whole_file(
                    arg,
                    format!("cannot read the folder: {e}"),
                ))
            })?;
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Scene(scene::SceneError::whole_file(
                    arg,
                    "this folder holds no scene files (*.toml)",
                )));
            }
            paths.extend(found);
        } else {
            paths.push(arg.clone());
        }
    }
    Ok(paths)
}

/// What happened to one scene.
enum Outcome {
    Rendered {
        files: Vec<(String, u64)>,
        millis: u128,
    },
    Skipped,
    Verified {
        differing: Vec<String>,
        millis: u128,
    },
}

fn bar_style() -> Option<ProgressStyle> {
    ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos}/{len} frames")
        .ok()
        .map(|s| s.progress_chars("=> "))
}

fn run(cli: &Cli) -> Result<(), Error> {
    if cli.schema {
        print!("{}", inertia::schema::scene_schema_json());
        return Ok(());
    }
    if cli.list {
        print!("{}", inertia::catalogue());
        if cli.scenes.is_empty() {
            return Ok(());
        }
    }
    // Check every scene before rendering any: invalid input writes nothing.
    let scenes: Vec<Scene> = scene_paths(&cli.scenes)?
        .iter()
        .map(|p| scene::load(p))
        .collect::<Result<_, _>>()?;
    for s in &scenes {
        for w in &s.warnings {
            if !cli.quiet {
                eprint!("warning: {w}");
            }
        }
    }
    pipeline::check_batch(&scenes)?;
    if cli.check {
        if !cli.quiet {
            for s in &scenes {
                eprintln!("ok: {} ({} runs)", s.path.display(), s.runs.len());
            }
        }
        return Ok(());
    }
    if let Some(step) = cli.frame {
        inertia::output::check_writable(&cli.out).map_err(Error::OutputDir)?;
        for s in &scenes {
            if step > s.output.steps {
                return Err(Error::Scene(scene::SceneError::whole_file(
                    &s.path,
                    format!(
                        "--frame {step} is beyond the scene's {} steps",
                        s.output.steps
                    ),
                )));
            }
        }
        for s in &scenes {
            let written = pipeline::render_frame(s, step)?.write(&cli.out)?;
            if !cli.quiet {
                eprintln!("wrote {}", written[0].display());
            }
        }
        return Ok(());
    }
    if !cli.verify {
        inertia::output::check_writable(&cli.out).map_err(Error::OutputDir)?;
        // Temporary files of a render that was killed are removed even if nothing renders.
        inertia::output::remove_stray_temporaries(&cli.out);
    }
    let mut manifest = Manifest::load(&cli.out);
    // Scenes and their frames render in parallel; one bar per scene and one overall on a
    // terminal (indicatif hides them when stderr is not one).
    let multi = if cli.quiet {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    } else {
        MultiProgress::new()
    };
    let overall = multi.add(ProgressBar::new(scenes.len() as u64));
    if let Ok(style) = ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos}/{len} scenes") {
        overall.set_style(style.progress_chars("=> "));
    }
    overall.set_prefix("all scenes");
    let results: Vec<Result<(Outcome, Option<manifest::SceneRecord>), Error>> = scenes
        .par_iter()
        .map(|s| {
            let start = Instant::now();
            if !cli.verify && !cli.force && manifest.is_fresh(s, &cli.out) {
                overall.inc(1);
                return Ok((Outcome::Skipped, None));
            }
            let bar = multi.add(ProgressBar::new(0));
            if let Some(style) = bar_style() {
                bar.set_style(style);
            }
            bar.set_prefix(s.output.name.clone());
            let outputs = pipeline::render(s, &bar)?;
            bar.finish_and_clear();
            overall.inc(1);
            if cli.verify {
                let differing = outputs
                    .files
                    .iter()
                    .filter(|(name, bytes)| {
                        std::fs::read(cli.out.join(name)).ok().as_ref() != Some(bytes)
                    })
                    .map(|(name, _)| cli.out.join(name).display().to_string())
                    .collect();
                let millis = start.elapsed().as_millis();
                return Ok((Outcome::Verified { differing, millis }, None));
            }
            outputs.write(&cli.out)?;
            for (index, label, step) in &outputs.diverged {
                multi.suspend(|| {
                    if !cli.quiet {
                        eprintln!(
                            "note: {}: run {index} ({label}) diverged at step {step}",
                            s.path.display()
                        );
                    }
                });
            }
            let record = Manifest::record(s, &outputs.files);
            let files = outputs
                .files
                .iter()
                .map(|(n, b)| (n.clone(), b.len() as u64))
                .collect();
            let millis = start.elapsed().as_millis();
            Ok((Outcome::Rendered { files, millis }, Some(record)))
        })
        .collect();
    overall.finish_and_clear();
    // The first real error is the one reported.
    let mut outcomes = Vec::new();
    for (s, r) in scenes.iter().zip(results) {
        let (outcome, record) = r?;
        if let Some(record) = record {
            manifest.scenes.insert(s.output.name.clone(), record);
        }
        outcomes.push(outcome);
    }
    if cli.verify {
        let differing: Vec<&String> = outcomes
            .iter()
            .flat_map(|o| match o {
                Outcome::Verified { differing, .. } => differing.iter().collect(),
                _ => vec![],
            })
            .collect();
        if !differing.is_empty() {
            for d in &differing {
                eprintln!("differs: {d}");
            }
            return Err(Error::Verify {
                differing: differing.iter().map(PathBuf::from).collect(),
            });
        }
        if !cli.quiet {
            eprintln!(
                "verified: the outputs of {} scenes match what this version renders",
                scenes.len()
            );
        }
        return Ok(());
    }
    manifest.save(&cli.out)?;
    let entries: Vec<inertia::gallery::GalleryEntry> = manifest
        .scenes
        .values()
        .filter_map(|r| {
            let scene = scene::load(Path::new(&r.scene)).ok()?;
            let files: Vec<(String, u64)> = r
                .outputs
                .iter()
                .map(|(n, f)| (n.clone(), f.bytes))
                .collect();
            Some(inertia::gallery::GalleryEntry::new(
                &scene, &cli.out, &files,
            ))
        })
        .collect();
    inertia::output::write_atomic(
        &cli.out.join("index.html"),
        inertia::gallery::index_html(&entries).as_bytes(),
    )?;
    if !cli.quiet {
        eprint!("{}", summary(&scenes, &outcomes));
    }
    Ok(())
}

/// The table printed after a render: scene, files, bytes, milliseconds, what was done.
fn summary(scenes: &[Scene], outcomes: &[Outcome]) -> String {
    let mut out = format!(
        "{:<28} {:>5} {:>10} {:>8}  {}\n",
        "scene", "files", "bytes", "ms", ""
    );
    for (s, o) in scenes.iter().zip(outcomes) {
        let line = match o {
            Outcome::Rendered { files, millis } => {
                let bytes: u64 = files.iter().map(|f| f.1).sum();
                format!(
                    "{:<28} {:>5} {:>10} {:>8}  rendered",
                    s.output.name,
                    files.len(),
                    bytes,
                    millis
                )
            }
            Outcome::Skipped => format!(
                "{:<28} {:>5} {:>10} {:>8}  skipped (unchanged)",
                s.output.name, "", "", ""
            ),
            Outcome::Verified { millis, .. } => {
                format!(
                    "{:<28} {:>5} {:>10} {:>8}  verified",
                    s.output.name, "", "", millis
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// How long a file must stay unchanged before a watched scene renders: editors often write a
/// file in several steps, and one render per save is what an author wants.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The modification time and size of every file the scenes read (scene files, data files).
fn watched_files(paths: &[PathBuf]) -> Vec<(PathBuf, Option<(SystemTime, u64)>)> {
    let mut files: Vec<PathBuf> = scene_paths(paths).unwrap_or_default();
    for p in files.clone() {
        if let Ok(s) = scene::load(&p) {
            files.extend(s.inputs);
        }
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|p| {
            let stamp = std::fs::metadata(&p)
                .and_then(|m| Ok((m.modified()?, m.len())))
                .ok();
            (p, stamp)
        })
        .collect()
}

/// `--watch`: render once, then again after every change (debounced), until interrupted.
fn watch(cli: &Cli) -> ExitCode {
    let mut seen = watched_files(&cli.scenes);
    loop {
        if let Err(e) = run(cli) {
            report(&e);
        }
        if !cli.quiet {
            eprintln!("watching {} file(s) for changes (Ctrl-C stops)", seen.len());
        }
        // Wait for a change, then for the files to settle.
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let now = watched_files(&cli.scenes);
            if now != seen {
                let mut settled = now;
                loop {
                    std::thread::sleep(DEBOUNCE);
                    let again = watched_files(&cli.scenes);
                    if again == settled {
                        break;
                    }
                    settled = again;
                }
                seen = settled;
                break;
            }
        }
    }
}

fn report(e: &Error) {
    let text = e.to_string();
    eprint!("error: {text}");
    if !text.ends_with('\n') {
        eprintln!();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.watch {
        return watch(&cli);
    }
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
