//! `NAME.tex`: the LaTeX line that plays `NAME.frames.pdf` (one page per step) with the
//! `animate` package, in a paper or a Beamer slide: `\input{NAME.tex}` where the animation goes.

use crate::keys::number_text;

/// The snippet for the frames of scene `name` at `fps` frames per second, `frames` pages.
pub fn snippet(name: &str, fps: f64, frames: usize) -> String {
    format!(
        "% {name}: {frames} frames at {fps} fps, one page each of {name}.frames.pdf (keep it beside\n\
         % this file). Load the packages in the preamble: \\usepackage{{animate}} (it loads\n\
         % graphicx); then \\input{{{name}.tex}} where the animation goes. The controls play, pause\n\
         % and step it in Adobe Reader, Okular and other viewers with JavaScript; elsewhere the first\n\
         % page shows.\n\
         \\animategraphics[controls,loop,width=\\linewidth]{{{fps}}}{{{name}.frames}}{{}}{{}}\n",
        fps = number_text(fps)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_names_the_frames_and_the_packages() {
        let s = snippet("quad", 15.0, 61);
        assert!(s.ends_with(
            "\\animategraphics[controls,loop,width=\\linewidth]{15}{quad.frames}{}{}\n"
        ));
        assert!(s.contains("\\usepackage{animate}"));
        assert!(s
            .lines()
            .all(|l| l.starts_with('%') || l.starts_with("\\animategraphics")));
        assert!(snippet("q", 12.5, 3).contains("]{12.5}{q.frames}"));
    }
}
