//! Headless Chromium for the tests that look at pages in a real browser (the gallery, the
//! player): where it is, how to run it with the flags that work on a machine without a display
//! or a network, and a temporary folder for its profiles and screenshots.

// Each test file uses what it needs of this module.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed.
pub const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// A temporary folder under Cargo's target/tmp, removed on drop unless `INERTIA_KEEP_BROWSER`
/// is set (to look at the pages and the screenshots).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("inertia-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("INERTIA_KEEP_BROWSER").is_some() {
            eprintln!("kept {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// `chromium` at /usr/bin or on PATH.
pub fn find_chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `url` with `args` (a fresh profile in `work`), killed (with
/// everything it started) after [`CHROMIUM_TIMEOUT`]. Returns its standard output; panics on
/// failure or timeout.
pub fn run_chromium(
    chromium: &Path,
    work: &Path,
    name: &str,
    args: &[String],
    url: &str,
) -> String {
    let profile = work.join(format!("profile-{name}"));
    std::fs::create_dir_all(&profile).unwrap();
    let (stdout_path, stderr_path) = (
        work.join(format!("{name}.stdout")),
        work.join(format!("{name}.stderr")),
    );
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(File::create(&stdout_path).unwrap())
    .stderr(File::create(&stderr_path).unwrap());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("cannot start chromium");
    let deadline = Instant::now() + CHROMIUM_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let Some(status) = status else {
        // Chromium's helpers share its process group (ours alone): end them all.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", &format!("-{}", child.id())])
            .status();
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "chromium ({name}) did not finish in {} s; stderr:\n{}",
            CHROMIUM_TIMEOUT.as_secs(),
            stderr()
        );
    };
    assert!(
        status.success(),
        "chromium ({name}): {status}; stderr:\n{}",
        stderr()
    );
    std::fs::read_to_string(&stdout_path).unwrap()
}

/// The per-channel difference above which two pixels count as different: anti-aliasing by two
/// rasterizers differs by less, a path or a marker that is missing or moved by more.
pub const PIXEL_TOLERANCE: u8 = 64;

/// The pixels of `a` and `b` (the same size) that differ by more than [`PIXEL_TOLERANCE`] in
/// some channel, and the image of `a` with them in magenta.
pub fn differing_pixels(a: &image::RgbImage, b: &image::RgbImage) -> (usize, image::RgbImage) {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut count = 0;
    let diff = image::RgbImage::from_fn(a.width(), a.height(), |x, y| {
        let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
        if (0..3).any(|c| p.0[c].abs_diff(q.0[c]) > PIXEL_TOLERANCE) {
            count += 1;
            image::Rgb([255, 0, 255])
        } else {
            *p
        }
    });
    (count, diff)
}
