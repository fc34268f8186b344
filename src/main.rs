//! `render`: the command line. It parses arguments, calls the library and maps errors to exit
//! statuses (2 for invalid input, 1 for other failures); all logic lives in the library.

// Errors are reported once per run; carrying them by value keeps their fields plain.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use inertia::pipeline::{self, Error};
use inertia::scene::{self, Scene};

/// Render optimizer trajectories on 2-D loss surfaces as GIFs, PNG figures and CSV.
#[derive(Debug, Parser)]
#[command(name = "render", version, about)]
struct Cli {
    /// Scene files (TOML), or folders whose *.toml files are scenes.
    #[arg(value_name = "SCENE", required_unless_present = "list")]
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
            paths.extend(found);
        } else {
            paths.push(arg.clone());
        }
    }
    Ok(paths)
}

fn progress_bar(quiet: bool, name: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos}/{len} frames") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_string());
    bar
}

fn run(cli: &Cli) -> Result<(), Error> {
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
    inertia::output::check_writable(&cli.out).map_err(Error::OutputDir)?;
    for s in &scenes {
        let outputs = match cli.frame {
            Some(step) => pipeline::render_frame(s, step)?,
            None => {
                let bar = progress_bar(cli.quiet, &s.output.name);
                let out = pipeline::render(s, &bar)?;
                bar.finish_and_clear();
                out
            }
        };
        let written = outputs.write(&cli.out)?;
        if !cli.quiet {
            for (index, label, step) in &outputs.diverged {
                eprintln!(
                    "note: {}: run {index} ({label}) diverged at step {step}",
                    s.path.display()
                );
            }
            let total: u64 = written
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum();
            let names: Vec<String> = written.iter().map(|p| display(p)).collect();
            eprintln!("wrote {} ({total} bytes)", names.join(", "));
        }
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = e.to_string();
            eprint!("error: {text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
