//! `ravine`: x² + 100y², a quadratic with condition number κ = 100.

use crate::keys::{KeyError, Values};

use super::quadratic::Quadratic;
use super::{DefaultWindow, Dims, Surface, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "ravine",
    formula: "x² + 100y²",
    doc: "A narrow ravine (κ = 100): gradient descent zig-zags across it.",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-3.0, 3.0), (-1.0, 1.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(
        &KIND,
        Quadratic {
            a: 2.0,
            b: 200.0,
            angle: 0.0,
            center: [0.0, 0.0],
        },
    ))
}
