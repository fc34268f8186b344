//! The frames PDF and its LaTeX line, for the quad60 scene (`benches/scenes/bench_60.toml`):
//! one page per step and one image object that every page draws; where poppler is installed,
//! page k rendered by `pdftoppm` against `render --frame k`; where pdfLaTeX is, a Beamer
//! document that `\input`s the snippet compiles. Without those tools the tests that need them
//! skip with a message (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod browser;
use browser::{differing_pixels, TempDir};

/// The quad60 scene with its frames PDF asked for, rendered into `dir`; returns the output
/// folder.
fn render_quad60(dir: &Path) -> PathBuf {
    render_with_pdf(dir, "benches/scenes/bench_60.toml", "quad60")
}

/// The scene at `path` (from the crate's root) with its frames PDF asked for, written to
/// `dir` as `copy.toml` and rendered into `dir/out`; returns the output folder.
fn render_with_pdf(dir: &Path, path: &str, copy: &str) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let text = text.replacen("[output]", "[output]\nformats = [\"png\", \"pdf\"]", 1);
    let scene = dir.join(format!("{copy}.toml"));
    std::fs::write(&scene, text).unwrap();
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_render"))
        .args(["-q", "--out"])
        .arg(&out)
        .arg(&scene)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// A program on the PATH.
fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Runs `cmd` in `dir`, killed after `limit`; panics unless it succeeds.
fn run(mut cmd: Command, dir: &Path, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} did not finish in {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn one_page_per_step_and_one_shared_image() {
    let tmp = TempDir::new("pdf-structure");
    let out = render_quad60(&tmp.0);
    let pdf = std::fs::read(out.join("bench_60.frames.pdf")).unwrap();
    eprintln!("quad60 frames PDF: {} bytes", pdf.len());
    // Dictionaries are written in the clear (only streams are compressed).
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.starts_with("%PDF-1.4"));
    assert_eq!(text.matches("/Type /Pages").count(), 1);
    let pages = text.matches("/Type /Page").count() - 1;
    assert_eq!(pages, 61, "one page per step");
    assert!(text.contains("/Count 61"));
    assert_eq!(
        text.matches("/Subtype /Image").count(),
        1,
        "the surface, once"
    );
    // Every page draws it through the shared resources.
    assert_eq!(text.matches("/Resources").count(), 1);
    let tex = std::fs::read_to_string(out.join("bench_60.tex")).unwrap();
    assert!(tex.ends_with(
        "\\animategraphics[controls,loop,width=\\linewidth]{15}{bench_60.frames}{}{}\n"
    ));
    if let Some(pdfinfo) = tool("pdfinfo") {
        let mut cmd = Command::new(pdfinfo);
        cmd.arg("bench_60.frames.pdf");
        let o = run(cmd, &out, Duration::from_secs(30));
        let info = String::from_utf8_lossy(&o.stdout);
        assert!(info.contains("Pages:           61"), "{info}");
        assert!(info.contains("Page size:       640 x 480 pts"), "{info}");
    }
}

/// Pages rendered by poppler at one pixel per point against the frames `render --frame`
/// writes: the same picture up to anti-aliasing (text and path edges).
#[test]
fn page_k_is_frame_k() {
    let Some(pdftoppm) = tool("pdftoppm") else {
        eprintln!("skipped: pdftoppm not installed; apt-get install poppler-utils");
        return;
    };
    let tmp = TempDir::new("pdf-pages");
    let out = render_quad60(&tmp.0);
    pages_are_frames(&pdftoppm, &tmp, &out, "quad60", "bench_60", &[0, 17, 60]);
    // A curve: the curve and its ground as vector shapes, the balls and their fading past.
    let tmp = TempDir::new("pdf-pages-curve");
    let out = render_with_pdf(&tmp.0, "scenes/ball_on_curve.toml", "curve");
    pages_are_frames(
        &pdftoppm,
        &tmp,
        &out,
        "curve",
        "ball_on_curve",
        &[0, 3, 12, 60],
    );
}

/// Pages `steps` of `name`'s frames PDF in `out` against `render --frame` of the scene
/// `copy.toml` in `tmp`.
fn pages_are_frames(
    pdftoppm: &Path,
    tmp: &TempDir,
    out: &Path,
    copy: &str,
    name: &str,
    steps: &[usize],
) {
    for &step in steps {
        let o = Command::new(env!("CARGO_BIN_EXE_render"))
            .args(["-q", "--frame", &step.to_string(), "--out"])
            .arg(out)
            .arg(tmp.0.join(format!("{copy}.toml")))
            .output()
            .unwrap();
        assert!(o.status.success());
        let frame = image::open(out.join(format!("{name}.frame{step}.png")))
            .unwrap()
            .to_rgb8();
        let page = (step + 1).to_string();
        let mut cmd = Command::new(pdftoppm);
        cmd.args(["-r", "72", "-png", "-singlefile", "-f", &page, "-l", &page])
            .arg(format!("{name}.frames.pdf"))
            .arg(format!("page{step}"));
        run(cmd, out, Duration::from_secs(30));
        let shown = image::open(out.join(format!("page{step}.png")))
            .unwrap()
            .to_rgb8();
        let (differ, diff) = differing_pixels(&frame, &shown);
        let share = differ as f64 / f64::from(frame.width() * frame.height());
        eprintln!(
            "{name}: page of step {step}: {:.3} % of pixels differ",
            share * 100.0
        );
        if share > 0.002 {
            // Beside the temporary folder, which the panic removes.
            let path = std::env::temp_dir().join(format!("{name}-step{step}.diff.png"));
            diff.save(&path).unwrap();
            panic!(
                "{name} step {step}: {:.2} % differ; {}",
                share * 100.0,
                path.display()
            );
        }
    }
}

/// A Beamer slide that `\input`s the snippet compiles with pdfLaTeX, and the animation's
/// frames end up in the slides.
#[test]
fn pdflatex_compiles_a_beamer_slide_with_the_snippet() {
    let Some(pdflatex) = tool("pdflatex") else {
        eprintln!(
            "skipped: pdflatex not installed; apt-get install texlive-latex-extra \
             texlive-latex-recommended"
        );
        return;
    };
    let tmp = TempDir::new("pdf-beamer");
    let out = render_quad60(&tmp.0);
    std::fs::write(
        out.join("slides.tex"),
        "\\documentclass{beamer}\n\\usepackage{animate}\n\\begin{document}\n\
         \\begin{frame}{Gradient descent vs momentum}\n\\input{bench_60.tex}\n\\end{frame}\n\
         \\end{document}\n",
    )
    .unwrap();
    // animate records the frames' timeline on the first run and uses it on the second, as
    // LaTeX does with references.
    for _ in 0..2 {
        let mut cmd = Command::new(&pdflatex);
        cmd.args(["-interaction=nonstopmode", "-halt-on-error", "slides.tex"]);
        run(cmd, &out, Duration::from_secs(180));
    }
    let log = std::fs::read_to_string(out.join("slides.log")).unwrap();
    assert!(
        !log.contains("PDF inclusion"),
        "the frames need a newer PDF:\n{log}"
    );
    assert!(!log.contains("Temporary page"), "{log}");
    let slides = std::fs::read(out.join("slides.pdf")).unwrap();
    assert!(slides.starts_with(b"%PDF"), "{log}");
    // animate makes each page of the frames a form XObject of the slide.
    let text = String::from_utf8_lossy(&slides);
    assert!(
        text.matches("/Subtype /Form").count() >= 61,
        "the slide does not hold the 61 frames:\n{log}"
    );
    if let Some(pdfinfo) = tool("pdfinfo") {
        let mut cmd = Command::new(pdfinfo);
        cmd.arg("slides.pdf");
        let info = run(cmd, &out, Duration::from_secs(30));
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("Pages:           1\n"), "one slide: {info}");
    }
}
