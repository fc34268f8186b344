//! The gallery page of the committed outputs, checked in Rust (every `src`/`href` resolves to a
//! file beside it) and, where Chromium is installed, in a real browser: headless Chromium loads
//! the page from disk, shows every title and every GIF, and takes a screenshot that is not blank.

use std::path::{Path, PathBuf};

use inertia::gallery::{index_html, GalleryEntry};

mod browser;
use browser::{find_chromium, run_chromium, TempDir, PIXEL_TOLERANCE};

/// The committed scene files, sorted.
fn committed_scenes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenes.sort();
    assert!(!scenes.is_empty(), "no scenes in {}", dir.display());
    scenes
}

/// Builds `root/out/index.html` over copies of the committed outputs, the scenes copied to
/// `root/scenes`. Returns the index's path and the entries.
fn build_gallery(root: &Path) -> (PathBuf, Vec<GalleryEntry>) {
    let outputs = Path::new(env!("CARGO_MANIFEST_DIR")).join("outputs");
    let (out, scenes) = (root.join("out"), root.join("scenes"));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&scenes).unwrap();
    let mut entries = Vec::new();
    for path in committed_scenes() {
        // Loaded where it lives (so any data file it reads is found), linked from its copy.
        let mut scene = inertia::scene::load(&path).unwrap_or_else(|e| panic!("{e}"));
        scene.path = scenes.join(path.file_name().unwrap());
        std::fs::copy(&path, &scene.path).unwrap();
        let mut files = Vec::new();
        for ext in ["gif", "png", "csv", "html", "txt"] {
            let name = format!("{}.{ext}", scene.output.name);
            let bytes = std::fs::copy(outputs.join(&name), out.join(&name))
                .unwrap_or_else(|e| panic!("outputs/{name}: {e}"));
            files.push((name, bytes));
        }
        entries.push(GalleryEntry::new(&scene, &out, &files));
    }
    let index = out.join("index.html");
    std::fs::write(&index, index_html(&entries)).unwrap();
    (index, entries)
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

/// Undoes `&amp;`-style escapes and `%XX` encoding: the file path a relative URL names.
fn url_to_path(url: &str) -> String {
    let url = url
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let bytes = url.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Text as Chromium serializes it in a dumped DOM: only `&`, `<`, `>` and no-break spaces are
/// escaped in text nodes.
fn dom_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

/// The gallery reads a scene's caption back from its caption file (`NAME.txt`) instead of
/// simulating it again: for every committed scene, that gives the caption the scene makes, and
/// the committed page shows it as the image's alt text.
#[test]
fn the_caption_read_back_from_its_file_is_the_scenes_caption() {
    let outputs = Path::new(env!("CARGO_MANIFEST_DIR")).join("outputs");
    let page = std::fs::read_to_string(outputs.join("index.html")).unwrap();
    let alts = attribute_values(&page, "alt");
    for path in committed_scenes() {
        let scene = inertia::scene::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let made = inertia::caption::describe(&scene, &inertia::pipeline::trajectories(&scene));
        let name = format!("{}.txt", scene.output.name);
        let file = std::fs::read_to_string(outputs.join(&name)).unwrap();
        assert_eq!(file, made.file(), "outputs/{name}");
        let read_back = inertia::caption::paragraph(&file);
        assert_eq!(read_back, made.text(), "outputs/{name}");
        let escaped = inertia::text::escape_markup(&read_back);
        assert!(
            alts.contains(&escaped),
            "index.html has no alt text {escaped:?}"
        );
    }
}

#[test]
fn every_link_resolves_to_a_file() {
    let tmp = TempDir::new("gallery-links");
    let (index, entries) = build_gallery(&tmp.0);
    let html = std::fs::read_to_string(&index).unwrap();
    let dir = index.parent().unwrap();
    let srcs = attribute_values(&html, "src");
    let hrefs = attribute_values(&html, "href");
    assert_eq!(srcs.len(), entries.len(), "one <img> per scene: {srcs:?}");
    for url in srcs.iter().chain(&hrefs) {
        assert!(
            !url.contains(':') && !url.starts_with("//") && !url.starts_with('/'),
            "not a relative reference: {url}"
        );
        let file = dir.join(url_to_path(url));
        assert!(file.is_file(), "{url} does not resolve: {}", file.display());
    }
    for e in &entries {
        assert!(e.scene_link.starts_with("../scenes/"), "{}", e.scene_link);
        assert!(hrefs.contains(&e.scene_link));
        for (name, bytes) in &e.files {
            assert!(hrefs.contains(name), "{name} not linked");
            assert_eq!(std::fs::metadata(dir.join(name)).unwrap().len(), *bytes);
        }
    }
    // The same entries give the same page.
    assert_eq!(html, index_html(&entries));
}

/// Counts the distinct colours of an image, up to `limit`.
fn distinct_colours(img: &image::RgbaImage, limit: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for p in img.pixels() {
        seen.insert(p.0);
        if seen.len() >= limit {
            break;
        }
    }
    seen.len()
}

#[test]
fn chromium_shows_the_gallery() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let tmp = TempDir::new("gallery-chromium");
    let (index, entries) = build_gallery(&tmp.0);
    let url = |p: &Path| format!("file://{}", p.display());
    let budget = "--virtual-time-budget=5000".to_string();

    // The page itself: every title, every GIF, every run line is in the DOM.
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "dom",
        &[budget.clone(), "--dump-dom".into()],
        &url(&index),
    );
    assert!(dom.contains("inertia gallery"), "DOM:\n{dom}");
    for e in &entries {
        assert!(
            dom.contains(&dom_text(&e.card.title)),
            "{} missing:\n{dom}",
            e.card.title
        );
        for r in &e.card.runs {
            assert!(dom.contains(&dom_text(r)), "{r} missing");
        }
        let gif = &e.files[0].0;
        assert!(dom.contains(&format!("src=\"{gif}\"")), "{gif} missing");
    }

    // A copy of the page with a check script (the page itself has none): every <img> loaded.
    let html = std::fs::read_to_string(&index).unwrap();
    let probe = html.replace(
        "</body>",
        "<script>addEventListener('load', () => { const i = [...document.images]; \
         document.body.dataset.loaded = i.filter(x => x.complete && x.naturalWidth > 0).length \
         + '/' + i.length; document.body.dataset.shown = i.map(x => \
         x.currentSrc.split('.').pop()).join(' '); });</script>\n</body>",
    );
    let probe_path = index.with_file_name("index-probe.html");
    std::fs::write(&probe_path, probe).unwrap();
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "probe",
        &[budget.clone(), "--dump-dom".into()],
        &url(&probe_path),
    );
    let n = entries.len();
    assert!(
        dom.contains(&format!("data-loaded=\"{n}/{n}\"")),
        "not every image loaded:\n{dom}"
    );
    // The animations move, unless the reader prefers reduced motion: then the stills show.
    let moving = vec!["gif"; n].join(" ");
    assert!(dom.contains(&format!("data-shown=\"{moving}\"")), "{dom}");
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "still",
        &[
            budget.clone(),
            "--force-prefers-reduced-motion".into(),
            "--dump-dom".into(),
        ],
        &url(&probe_path),
    );
    let still = vec!["png"; n].join(" ");
    assert!(dom.contains(&format!("data-shown=\"{still}\"")), "{dom}");
    // Each image says what its runs do, and opens the scene's player.
    for e in &entries {
        assert!(dom.contains(&format!("alt=\"{}\"", dom_text(&e.caption))));
        let (player, _) = e.files.iter().find(|(n, _)| n.ends_with(".html")).unwrap();
        assert!(dom.contains(&format!("<a class=\"anim\" href=\"{player}\"")));
    }

    // A screenshot: a real PNG, not one flat colour.
    let shot = tmp.0.join("screenshot.png");
    run_chromium(
        &chromium,
        &tmp.0,
        "screenshot",
        &[
            budget,
            "--window-size=1200,900".into(),
            format!("--screenshot={}", shot.display()),
        ],
        &url(&index),
    );
    let img = image::open(&shot)
        .unwrap_or_else(|e| panic!("{}: {e}", shot.display()))
        .to_rgba8();
    assert_eq!(img.dimensions(), (1200, 900));
    let colours = distinct_colours(&img, 1000);
    assert!(
        colours >= 100,
        "the screenshot is nearly flat: {colours} colours"
    );
    eprintln!("chromium rendered the gallery: {}", shot.display());
}

/// Chromium's rendering of the committed SVGs (trajectory figures and charts) against their
/// PNGs, pixel by pixel: the same picture up to anti-aliasing, text included (both draw the
/// same glyph outlines). At most 0.2 % of all pixels may differ, and 0.05 % of the pixels
/// inside an animation's panels, where a missing run head alone is about 0.07 % and a missing
/// path several per cent. (Where a run retraces its own path the PNG's segment-by-segment
/// strokes blend their edges more than once and the SVG's one stroke does not: a few pixels.)
#[test]
fn chromium_draws_the_trajectory_svgs_like_the_pngs() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let tmp = TempDir::new("svg-chromium");
    let outputs = Path::new(env!("CARGO_MANIFEST_DIR")).join("outputs");
    let scenes = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    for name in [
        "gd_vs_momentum",
        "beta_sweep_panels",
        "himmelblau_starts",
        "nesterov_lookahead",
        "stability_map",
        "saddle_point",
        "linear_regression",
        "ball_on_curve",
        "double_well_1d",
        "gd_vs_momentum.loss",
        "stability_map.stability",
        "stability_map.rate",
        "noisy_gradients.ewma",
        "damping_1d.damping",
        "multiple_minima.surface3d",
    ] {
        let png = image::open(outputs.join(format!("{name}.png")))
            .unwrap()
            .to_rgb8();
        let (w, h) = png.dimensions();
        let shot = tmp.0.join(format!("{name}.png"));
        run_chromium(
            &chromium,
            &tmp.0,
            name,
            &[
                format!("--window-size={w},{h}"),
                format!("--screenshot={}", shot.display()),
            ],
            &format!("file://{}", outputs.join(format!("{name}.svg")).display()),
        );
        let svg = image::open(&shot).unwrap().to_rgb8();
        assert_eq!(svg.dimensions(), (w, h), "{name}");
        // Inside an animation's panels the two must agree nearly everywhere (charts have no
        // panels to check apart).
        let panels: Vec<inertia::picture::IRect> = if name.contains('.') {
            Vec::new()
        } else {
            let scene = inertia::scene::load(&scenes.join(format!("{name}.toml"))).unwrap();
            let trajectories = inertia::pipeline::trajectories(&scene);
            let figure = inertia::render::Figure::new(&scene, &trajectories).unwrap();
            figure.layout.panels.iter().map(|p| p.rect).collect()
        };
        let in_panel = |x: u32, y: u32| {
            panels
                .iter()
                .any(|r| (r.x0..r.x1).contains(&(x as i32)) && (r.y0..r.y1).contains(&(y as i32)))
        };
        let (mut differs, mut panel_differs, mut panel_pixels) = (0, 0, 0);
        for (x, y, a) in png.enumerate_pixels() {
            let b = svg.get_pixel(x, y);
            let off = (0..3).any(|c| a.0[c].abs_diff(b.0[c]) > PIXEL_TOLERANCE);
            differs += usize::from(off);
            if in_panel(x, y) {
                panel_pixels += 1;
                panel_differs += usize::from(off);
            }
        }
        let share = differs as f64 / f64::from(w * h);
        let panel_share = panel_differs as f64 / f64::from(panel_pixels.max(1));
        eprintln!(
            "{name}: {:.2} % of pixels differ, {:.3} % inside the panels",
            share * 100.0,
            panel_share * 100.0
        );
        if share > 0.002 || panel_share > 0.0005 {
            let diff = tmp.0.join(format!("{name}.diff.png"));
            let img = image::RgbImage::from_fn(w, h, |x, y| {
                let (a, b) = (png.get_pixel(x, y), svg.get_pixel(x, y));
                if (0..3).any(|c| a.0[c].abs_diff(b.0[c]) > PIXEL_TOLERANCE) {
                    image::Rgb([255, 0, 0])
                } else {
                    *a
                }
            });
            img.save(&diff).unwrap();
            std::mem::forget(tmp);
            panic!(
                "{name}: {:.2} % of pixels differ by more than {PIXEL_TOLERANCE}; diff: {}",
                share * 100.0,
                diff.display()
            );
        }
    }
}
