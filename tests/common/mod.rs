//! Helpers shared by the integration tests.
// Each test crate uses some of these helpers, not all.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A unique temporary folder for one test, removed on drop (also when the test fails).
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `inertia-<suite>-<pid>-<name>` under the system's temporary folder, empty.
    pub fn new(suite: &str, name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("inertia-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir`, sorted; empty when `dir` does not exist. The output folder's stamps
/// file is left out: a local cache of file times, not an output (`stamps_are_kept_beside_the_
/// manifest` checks it), whose bytes differ from one render to the next.
pub fn listing(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != inertia::manifest::STAMPS_FILE)
        .collect();
    names.sort();
    names
}

/// What the `gif` crate reads from a GIF: its canvas and each frame's delay (hundredths of a
/// second), every frame checked to lie on the canvas and to end in a complete file.
pub struct GifSummary {
    pub width: u32,
    pub height: u32,
    pub delays: Vec<u16>,
}

/// Reads a GIF. With `decode`, every frame's LZW data is decoded too (slow in a debug build,
/// so only for small GIFs); without, only the block structure is walked.
pub fn gif_summary(bytes: &[u8], decode: bool) -> Result<GifSummary, String> {
    if !bytes.starts_with(b"GIF89a") {
        return Err("not a GIF89a".into());
    }
    if bytes.last() != Some(&0x3B) {
        return Err("no trailer 0x3B at the end".into());
    }
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    options.skip_frame_decoding(!decode);
    let mut d = options.read_info(bytes).map_err(|e| e.to_string())?;
    let (width, height) = (u32::from(d.width()), u32::from(d.height()));
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().map_err(|e| e.to_string())? {
        if u32::from(f.left) + u32::from(f.width) > width
            || u32::from(f.top) + u32::from(f.height) > height
        {
            return Err(format!("frame {} lies outside the canvas", delays.len()));
        }
        delays.push(f.delay);
    }
    Ok(GifSummary {
        width,
        height,
        delays,
    })
}
