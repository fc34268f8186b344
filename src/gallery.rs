//! The static gallery: `outputs/index.html`, one page showing every rendered asset.
//!
//! This module owns the page and nothing else: a [`GalleryEntry`] per rendered scene (built from
//! the checked [`Scene`] and the files written for it) and [`index_html`], which turns the entries
//! into a self-contained HTML5 document. Each scene shows its animation linked to its player
//! (`NAME.html`), or its still where the reader prefers reduced motion, with the scene's
//! caption (see [`crate::caption`]) as the image's `alt` text and under it. The page has no
//! external resources (no CDN, no web fonts, no scripts; inline CSS only), escapes every text,
//! and is deterministic: the same entries give the same bytes (no dates, no absolute paths
//! unless a relative one cannot be computed). Writing the page, and deciding when to, is the
//! caller's business.

use std::fmt::Write;
use std::path::Path;

use crate::optimizer::Optimizer;
use crate::scene::Scene;
use crate::text::escape_markup;

/// The page's file name inside the output folder.
pub const FILE: &str = "index.html";

/// What a scene's card in the gallery says of the scene itself: made when the scene is rendered
/// and kept in its manifest record, so a build lists the scenes it did not load without reading
/// and checking their scene files again (one scene rendered into the folder of the 26 shipped
/// ones: 31.8 → 30.2 ms).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub title: String,
    /// Key hyper-parameters, one short line per run, e.g. "GD: lr 0.05",
    /// "Momentum β=0.9: lr 0.05, β 0.9".
    pub runs: Vec<String>,
    /// Surface and clock, e.g. "quadratic · 640×480 · 61 frames at 15 fps".
    pub summary: String,
    /// The animation's width and height in pixels (the `<img>`'s `width` and `height`, so the
    /// page does not reflow while the GIFs load).
    pub size: (u32, u32),
}

impl Card {
    /// The card of `scene`.
    pub fn of(scene: &Scene) -> Card {
        let o = &scene.output;
        Card {
            title: scene.title.clone(),
            runs: scene
                .runs
                .iter()
                .map(|r| run_line(&r.label, &r.optimizer))
                .collect(),
            summary: format!(
                "{} · {}×{} · {} frames at {} fps",
                scene.surface_name,
                o.width,
                o.height,
                o.steps + 1,
                o.fps
            ),
            size: (o.width, o.height),
        }
    }
}

/// One scene's row in the gallery.
#[derive(Debug, Clone, PartialEq)]
pub struct GalleryEntry {
    pub card: Card,
    /// The scene file, relative to the folder index.html is written in (e.g.
    /// "../scenes/gd_vs_momentum.toml").
    pub scene_link: String,
    /// The files, in order (gif, png, csv, ...): name (relative to index.html) and size in
    /// bytes. Files in a folder (`NAME.frames/0000.png`) are linked as their folder.
    pub files: Vec<(String, u64)>,
    /// What the runs do, in words (the image's `alt` text).
    pub caption: String,
}

impl GalleryEntry {
    /// Builds the entry for a rendered scene: `scene_link` is `scene.path` made relative to
    /// `out_dir` (over path components; the path as given when no relative path can be
    /// computed), `files` are the given written files (name, bytes); the caption is made from
    /// the scene's trajectories.
    pub fn new(scene: &Scene, out_dir: &Path, files: &[(String, u64)]) -> Self {
        let caption = crate::caption::describe(scene, &crate::pipeline::trajectories(scene));
        GalleryEntry::with_caption(
            scene,
            out_dir,
            files,
            crate::caption::paragraph(&caption.file()),
        )
    }

    /// [`GalleryEntry::new`] with the caption as given (read back from the scene's caption
    /// file, see [`crate::caption::paragraph`]), so the trajectories are not computed again.
    pub fn with_caption(
        scene: &Scene,
        out_dir: &Path,
        files: &[(String, u64)],
        caption: String,
    ) -> Self {
        GalleryEntry {
            card: Card::of(scene),
            scene_link: crate::output::relative_path(&scene.path, out_dir),
            files: files.to_vec(),
            caption,
        }
    }

    /// The links of the card: each file, and each folder once with the total size of its
    /// files (`NAME.frames/`).
    fn links(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        for (name, size) in &self.files {
            let link = match name.split_once('/') {
                Some((folder, _)) => format!("{folder}/"),
                None => name.clone(),
            };
            match out.iter_mut().find(|(l, _)| *l == link) {
                Some((_, total)) => *total += size,
                None => out.push((link, *size)),
            }
        }
        out
    }
}

/// "label: lr 0.05, β 0.9": the label and the hyper-parameters of one run, from its kind's
/// declared keys (those that rarely change only when set to something other than their
/// default).
fn run_line(label: &str, optimizer: &Optimizer) -> String {
    let mut line = format!("{label}:");
    let shown = optimizer
        .parameters()
        .filter(|(key, value)| key.brief || !key.is_default(*value));
    for (i, (key, value)) in shown.enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let _ = write!(
            line,
            "{sep}{} {}",
            key.symbol_or_name(),
            key.value_text(value)
        );
    }
    line
}

/// A relative path as a URL path: `/` kept, unreserved ASCII kept, everything else (spaces,
/// `#`, `?`, `%`, non-ASCII) percent-encoded as UTF-8, so a file name is never read as a
/// scheme, query or fragment. The result still needs [`escape`](crate::text::escape_markup) inside an attribute (it has
/// no characters that escaping changes).
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    // A first segment with a colon would read as a scheme; colons are encoded above, and a
    // leading "//" (a network-path reference) cannot come from a relative path.
    out
}

/// A size for people: "36.8 KB" (1 KB = 1024 bytes), "1.4 MB" from 1 MB on.
fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else {
        format!("{:.1} KB", b / KB)
    }
}

/// The file's kind for its link: the extension in capitals ("PNG"), preceded by the chart's
/// name for the charts of [`crate::figures`] ("loss PNG" for `NAME.loss.png`); "player" for
/// the HTML player, "caption", "frames PDF", "LaTeX", "frames" for the folder of frames; or
/// "file".
fn file_kind(name: &str) -> String {
    if name.ends_with('/') {
        return "frames".to_string();
    }
    if name.ends_with(".frames.pdf") {
        return "frames PDF".to_string();
    }
    let path = Path::new(name);
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => return "player".to_string(),
        Some("txt") => return "caption".to_string(),
        Some("tex") => return "LaTeX".to_string(),
        _ => {}
    }
    let Some(ext) = path.extension().map(|e| e.to_string_lossy().to_uppercase()) else {
        return "file".to_string();
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.rsplit_once('.') {
        Some((_, chart @ "loss")) => format!("{chart} {ext}"),
        _ => ext,
    }
}

/// The last component of a link, for its text ("gd_vs_momentum.toml").
fn link_name(link: &str) -> &str {
    link.rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(link)
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0;
  padding: 28px 24px 40px;
  background: #f3f4f7;
  color: #1d2330;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header, main { max-width: 1440px; margin: 0 auto; }
header { margin-bottom: 22px; }
h1 { font-size: 1.55rem; margin: 0 0 2px; letter-spacing: -0.01em; }
.totals { margin: 0; color: #5b6474; font-variant-numeric: tabular-nums; }
.grid {
  display: grid;
  gap: 22px;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 360px), 1fr));
  align-items: start;
}
.card {
  background: #fff;
  border: 1px solid #e3e6ec;
  border-radius: 12px;
  box-shadow: 0 1px 2px rgba(20, 30, 50, 0.05), 0 6px 18px rgba(20, 30, 50, 0.06);
  padding: 16px 16px 14px;
  min-width: 0;
}
.card h2 { font-size: 1.08rem; margin: 0 0 10px; overflow-wrap: anywhere; }
.anim { display: block; }
.anim img {
  display: block;
  width: 100%;
  height: auto;
  border-radius: 6px;
  background: #e8ebf0;
}
.summary { margin: 10px 0 6px; color: #5b6474; font-size: 0.88rem; }
.runs { margin: 0 0 12px; padding-left: 1.15em; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
.runs li { overflow-wrap: anywhere; }
.links { display: flex; flex-wrap: wrap; gap: 6px 8px; margin: 0; }
.links a {
  display: inline-block;
  padding: 2px 10px;
  border: 1px solid #d3d9e3;
  border-radius: 999px;
  background: #f7f8fb;
  color: #1b5bbf;
  font-size: 0.84rem;
  text-decoration: none;
  white-space: nowrap;
}
.links a:hover, .links a:focus-visible { background: #e9f0fc; border-color: #9fb8e6; }
.links .size { color: #5b6474; font-variant-numeric: tabular-nums; }
.caption { margin: 8px 0 0; font-size: 0.88rem; color: #3c4452; }
.caption summary { cursor: pointer; color: #1b5bbf; }
.caption p { margin: 6px 0 0; }
.empty { color: #5b6474; }
"#;

/// The whole page: a static HTML5 document, the entries as a responsive grid of cards in the
/// given order, headed by the number of scenes and the total size of their files.
pub fn index_html(entries: &[GalleryEntry]) -> String {
    let files: usize = entries.iter().map(|e| e.links().len()).sum();
    let bytes: u64 = entries.iter().flat_map(|e| &e.files).map(|f| f.1).sum();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>inertia gallery</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<header>\n<h1>inertia gallery</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"totals\">{} · {} · {} in all</p>\n</header>\n<main class=\"grid\">",
        plural(entries.len(), "scene", "scenes"),
        plural(files, "file", "files"),
        human_size(bytes)
    );
    if entries.is_empty() {
        h.push_str("<p class=\"empty\">No scene has been rendered yet.</p>\n");
    }
    for e in entries {
        let title = escape_markup(&e.card.title);
        h.push_str("<article class=\"card\">\n");
        let _ = writeln!(h, "<h2>{title}</h2>");
        let find = |kind: &str| {
            e.files
                .iter()
                .find(|(n, _)| file_kind(n) == kind)
                .map(|(n, _)| escape_markup(&url_path(n)))
        };
        let (gif, still, player) = (find("GIF"), find("PNG"), find("player"));
        let alt = escape_markup(&e.caption);
        if let Some(img) = gif.as_ref().or(still.as_ref()) {
            let href = player.as_ref().unwrap_or(img);
            let label = if player.is_some() {
                format!(" aria-label=\"Open the player: {title}\"")
            } else {
                String::new()
            };
            let _ = write!(h, "<a class=\"anim\" href=\"{href}\"{label}><picture>");
            // The still where the reader asks for less motion.
            if let (Some(_), Some(png)) = (&gif, &still) {
                let _ = write!(
                    h,
                    "<source media=\"(prefers-reduced-motion: reduce)\" srcset=\"{png}\">"
                );
            }
            let _ = writeln!(
                h,
                "<img src=\"{img}\" width=\"{}\" height=\"{}\" alt=\"{alt}\"></picture></a>",
                e.card.size.0, e.card.size.1
            );
        }
        if !e.caption.is_empty() {
            let _ = writeln!(
                h,
                "<details class=\"caption\"><summary>What the runs do</summary><p>{alt}</p></details>"
            );
        }
        let _ = writeln!(
            h,
            "<p class=\"summary\">{}</p>",
            escape_markup(&e.card.summary)
        );
        if !e.card.runs.is_empty() {
            h.push_str("<ul class=\"runs\">\n");
            for r in &e.card.runs {
                let _ = writeln!(h, "<li>{}</li>", escape_markup(r));
            }
            h.push_str("</ul>\n");
        }
        h.push_str("<p class=\"links\">\n");
        for (name, size) in &e.links() {
            let _ = writeln!(
                h,
                "<a href=\"{}\" title=\"{}\">{} <span class=\"size\">{}</span></a>",
                escape_markup(&url_path(name)),
                escape_markup(name),
                escape_markup(&file_kind(name)),
                human_size(*size)
            );
        }
        let _ = writeln!(
            h,
            "<a href=\"{}\" title=\"{}\">scene <span class=\"size\">{}</span></a>",
            escape_markup(&url_path(&e.scene_link)),
            escape_markup(&e.scene_link),
            escape_markup(link_name(&e.scene_link))
        );
        h.push_str("</p>\n</article>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_say_what_a_chart_is() {
        assert_eq!(file_kind("a.gif"), "GIF");
        assert_eq!(file_kind("a.loss.png"), "loss PNG");
        assert_eq!(file_kind("a.loss.svg"), "loss SVG");
        assert_eq!(file_kind("README"), "file");
        assert_eq!(file_kind("my-scene.v2.gif"), "GIF");
    }

    const SCENE: &str = r#"
title = "<script>alert('x')</script> & \"β\""

[output]
name = "demo"
size = [320, 240]
fps = 15
steps = 40

[surface]
kind = "quadratic"

[[start]]
at = [2.5, -2.0]

[[optimizer]]
label = "GD"
kind = "gd"
lr = 0.05

[[optimizer]]
label = "Momentum β={beta}"
kind = "momentum"
lr = 0.05
beta = 0.9
"#;

    fn scene(path: &str) -> Scene {
        Scene::from_toml(Path::new(path), SCENE).expect("the test scene is valid")
    }

    fn files() -> Vec<(String, u64)> {
        vec![
            ("demo.gif".to_string(), 57_328),
            ("demo.png".to_string(), 37_708),
            ("demo.csv".to_string(), 14_296),
        ]
    }

    fn entry() -> GalleryEntry {
        GalleryEntry::new(&scene("scenes/demo.toml"), Path::new("outputs"), &files())
    }

    /// Every value of `attr="..."` in `html`.
    fn attribute_values(html: &str, attr: &str) -> Vec<String> {
        let needle = format!(" {attr}=\"");
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').expect("attribute values are quoted");
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
        out
    }

    #[test]
    fn entry_fields() {
        let e = entry();
        assert_eq!(e.scene_link, "../scenes/demo.toml");
        assert_eq!(
            e.card.runs,
            ["GD: lr 0.05", "Momentum β=0.9: lr 0.05, β 0.9"]
        );
        assert_eq!(e.card.summary, "quadratic · 320×240 · 41 frames at 15 fps");
        assert_eq!(e.card.size, (320, 240));
        assert_eq!(e.files, files());
    }

    #[test]
    fn titles_and_labels_are_escaped() {
        let html = index_html(&[entry()]);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains(
            "<h2>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;β&quot;</h2>"
        ));
        // The alt text is the caption, made from the trajectories, not from the title.
        assert!(
            html.contains("alt=\"Two runs of 40 steps on a quadratic surface"),
            "{html}"
        );
        assert!(html.contains("<li>Momentum β=0.9: lr 0.05, β 0.9</li>"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn deterministic() {
        let a = index_html(&[entry(), entry()]);
        let b = index_html(&[entry(), entry()]);
        assert_eq!(a, b);
    }

    #[test]
    fn no_external_references() {
        let html = index_html(&[entry()]);
        let links: Vec<String> = ["src", "href"]
            .iter()
            .flat_map(|a| attribute_values(&html, a))
            .collect();
        assert_eq!(links.len(), 1 + 1 + 3 + 1, "{links:?}");
        for l in &links {
            assert!(
                !l.contains("://") && !l.starts_with("//") && !l.contains(':'),
                "external reference {l}"
            );
        }
        for bad in ["http://", "https://", "@import", "url(", "<script", "<link"] {
            assert!(!html.contains(bad), "{bad} in the page");
        }
    }

    #[test]
    fn every_file_is_linked_with_its_size() {
        let html = index_html(&[entry()]);
        let hrefs = attribute_values(&html, "href");
        for (name, _) in files() {
            assert!(hrefs.contains(&name), "{name} not linked: {hrefs:?}");
        }
        assert!(hrefs.contains(&"../scenes/demo.toml".to_string()));
        assert_eq!(attribute_values(&html, "src"), ["demo.gif"]);
        assert!(html.contains("width=\"320\" height=\"240\""));
        assert!(html.contains("PNG <span class=\"size\">36.8 KB</span>"));
        assert!(html.contains("CSV <span class=\"size\">14.0 KB</span>"));
        assert!(html.contains("1 scene · 3 files · 106.8 KB in all"));
    }

    #[test]
    fn entries_keep_their_order() {
        let mut a = entry();
        a.card.title = "First".into();
        let mut b = entry();
        b.card.title = "Second".into();
        let html = index_html(&[b, a]);
        assert!(html.find("<h2>Second</h2>").unwrap() < html.find("<h2>First</h2>").unwrap());
        assert!(html.contains("2 scenes · 6 files"));
        assert!(index_html(&[]).contains("0 scenes · 0 files · 0.0 KB in all"));
    }

    #[test]
    fn relative_scene_links() {
        let rel = |p: &str, base: &str| crate::output::relative_path(Path::new(p), Path::new(base));
        assert_eq!(rel("scenes/a.toml", "outputs"), "../scenes/a.toml");
        assert_eq!(
            rel("/tmp/x/scenes/a.toml", "/tmp/x/out"),
            "../scenes/a.toml"
        );
        assert_eq!(rel("./scenes/a.toml", "outputs/"), "../scenes/a.toml");
        assert_eq!(rel("a.toml", "."), "a.toml");
        assert_eq!(rel("out/a.toml", "out"), "a.toml");
        assert_eq!(rel("a.toml", "x/y"), "../../a.toml");
        assert_eq!(rel("../s/a.toml", "../out"), "../s/a.toml");
        assert_eq!(rel("../s/a.toml", "out"), "../../s/a.toml");
        // An absolute path against a relative folder and the other way round: the link still
        // leads from the folder to the file.
        let cwd = std::env::current_dir().unwrap();
        for (p, base) in [
            ("/tmp/s/a.toml", "outputs"),
            ("scenes/a.toml", "/tmp/out"),
            ("scenes/a.toml", "../out"),
        ] {
            let link = rel(p, base);
            let from = std::path::absolute(cwd.join(base)).unwrap();
            let lands = std::path::absolute(from.join(&link)).unwrap();
            let want = std::path::absolute(cwd.join(p)).unwrap();
            let norm = |p: &Path| -> Vec<String> {
                let mut out: Vec<String> = Vec::new();
                for c in p.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            out.pop();
                        }
                        std::path::Component::CurDir => {}
                        c => out.push(c.as_os_str().to_string_lossy().into_owned()),
                    }
                }
                out
            };
            assert_eq!(norm(&lands), norm(&want), "{p} from {base}: {link}");
        }
        let e = GalleryEntry::new(
            &scene("/tmp/x/scenes/a.toml"),
            Path::new("/tmp/x/out"),
            &files(),
        );
        assert_eq!(e.scene_link, "../scenes/a.toml");
    }

    #[test]
    fn odd_file_names_are_encoded() {
        let mut e = entry();
        e.files = vec![("a b#1?.gif".to_string(), 1), ("β.png".to_string(), 2048)];
        let html = index_html(&[e]);
        assert_eq!(attribute_values(&html, "src"), ["a%20b%231%3F.gif"]);
        assert!(attribute_values(&html, "href").contains(&"%CE%B2.png".to_string()));
        assert!(html.contains("PNG <span class=\"size\">2.0 KB</span>"));
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MB");
    }
}
