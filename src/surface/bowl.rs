//! `bowl`: x² + y², the round bowl (a quadratic with both curvatures 2).

use crate::keys::{KeyError, Values};

use super::quadratic::Quadratic;
use super::{DefaultWindow, Dims, Surface, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "bowl",
    formula: "x² + y²",
    doc: "A round bowl: every direction has the same curvature.",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-3.0, 3.0), (-3.0, 3.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(
        &KIND,
        Quadratic {
            a: 2.0,
            b: 2.0,
            angle: 0.0,
            center: [0.0, 0.0],
        },
    ))
}
