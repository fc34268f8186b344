//! Loss surfaces f(x, y): the built-in kinds and user formulas, each declared once.
//!
//! Every surface kind is one file in this folder. The file declares its [`SurfaceKind`] (name,
//! formula text, one-line doc, its keys with defaults and checked ranges, its default window and
//! a constructor from checked key values) and its math: a type implementing [`SurfaceFn`] (value
//! and exact gradient, known minima, and the optional hooks theory and figures use). The scene
//! checker, the JSON Schema, `render --list` and the README's table all read the declarations.
//!
//! **Adding a surface** is one new file here (copy `himmelblau.rs` for a fixed function or
//! `rosenbrock.rs` for one with parameters) plus its line in [`SURFACE_KINDS`]. Nothing else
//! lists surfaces.
//!
//! A [`Surface`] is immutable, cheap to clone (the function is shared) and safe to use from
//! every thread.

pub mod beale;
pub mod bowl;
pub mod formula;
pub mod himmelblau;
pub mod linear_regression;
pub mod minima;
pub mod multi_minima;
pub mod quadratic;
pub mod rastrigin;
pub mod ravine;
pub mod rosenbrock;
pub mod saddle;
pub mod six_hump_camel;

use std::any::Any;
use std::fmt;
use std::panic::RefUnwindSafe;
use std::sync::Arc;

use crate::keys::{Key, KeyError, Values};

/// A point or vector in the plane.
pub type Point = [f64; 2];

/// The matrix of second derivatives [[∂²f/∂x², ∂²f/∂x∂y], [∂²f/∂y∂x, ∂²f/∂y²]].
pub type Hessian = [[f64; 2]; 2];

/// A view window `[x_min, x_max] × [y_min, y_max]`, with min < max on both axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Window {
    pub const fn new(x: (f64, f64), y: (f64, f64)) -> Self {
        Window { x, y }
    }

    pub fn width(&self) -> f64 {
        self.x.1 - self.x.0
    }

    pub fn height(&self) -> f64 {
        self.y.1 - self.y.0
    }

    /// The window grown by `factor` times its own size on every side: the bound that a run must
    /// stay inside (see [`crate::trajectory`]).
    pub fn grown(&self, factor: f64) -> Window {
        let (dx, dy) = (self.width() * factor, self.height() * factor);
        Window::new(
            (self.x.0 - dx, self.x.1 + dx),
            (self.y.0 - dy, self.y.1 + dy),
        )
    }

    pub fn contains(&self, p: Point) -> bool {
        (self.x.0..=self.x.1).contains(&p[0]) && (self.y.0..=self.y.1).contains(&p[1])
    }

    /// The window in words: `[−3, 3]²`, `[−3, 3] × [−1, 1]` (with true minus signs).
    pub fn text(&self) -> String {
        let num = |v: f64| v.to_string().replace('-', "−");
        let interval = |(lo, hi): (f64, f64)| format!("[{}, {}]", num(lo), num(hi));
        if self.x == self.y {
            format!("{}²", interval(self.x))
        } else {
            format!("{} × {}", interval(self.x), interval(self.y))
        }
    }
}

/// A surface's math. One type per kind implements it, in the kind's file.
///
/// [`SurfaceFn::value_and_gradient`], [`SurfaceFn::hessian`] and [`SurfaceFn::minima`] are
/// required; the other methods are hooks with the answer "not known" by default. A surface is plain data shared by
/// every rendering thread (hence `Send + Sync`), and a panic while rendering never leaves it
/// half-updated (hence `RefUnwindSafe`).
pub trait SurfaceFn: Any + Send + Sync + RefUnwindSafe + fmt::Debug {
    /// (f, ∂f/∂x, ∂f/∂y) at `p`, exact (no finite differences).
    fn value_and_gradient(&self, p: Point) -> (f64, f64, f64);

    /// f at `p`; override when the value alone is cheaper than with the gradient.
    fn value(&self, p: Point) -> f64 {
        self.value_and_gradient(p).0
    }

    /// The Hessian at `p`, exact (analytic, or second-order dual numbers for formulas): what
    /// Newton's method steps with and what tells a minimum from a saddle.
    fn hessian(&self, p: Point) -> Hessian;

    /// The known minima, to mark on figures (global ones first where there are several).
    fn minima(&self) -> Vec<Point>;

    /// The known saddle points (where the gradient vanishes and the Hessian is indefinite),
    /// to mark on figures: the place a teacher points at when a run lingers or turns away.
    fn saddles(&self) -> Vec<Point> {
        Vec::new()
    }

    /// The principal curvatures (λ_min, λ_max) when the surface is a quadratic with a constant
    /// Hessian: the theory of the rate and stability charts holds exactly there.
    fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        None
    }

    /// The curvatures along x and along y when the surface is a quadratic whose principal axes
    /// are the coordinate axes, so that x moves on its own (as on f = ½λw²): the damping
    /// chart's theory.
    fn axis_curvatures(&self) -> Option<(f64, f64)> {
        None
    }

    /// The names of the two coordinates, for axis titles.
    fn axis_names(&self) -> (&'static str, &'static str) {
        ("x", "y")
    }

    /// A default window computed from the surface's own values (e.g. centred on a fit), when
    /// the kind's fixed one does not fit.
    fn own_window(&self) -> Option<Window> {
        None
    }

    /// The data points the surface is made from, for surfaces made from data.
    fn data_points(&self) -> Option<&[Point]> {
        None
    }

    /// The same math with its minima found inside `window`, for a surface that does not know
    /// them (a formula without `minima`); `None` when the surface keeps its own.
    fn with_minima_found(&self, _window: &Window) -> Option<Box<dyn SurfaceFn>> {
        None
    }
}

/// Where a surface kind's default view window is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultWindow {
    /// Always this window.
    Fixed(Window),
    /// Computed by the surface ([`SurfaceFn::own_window`]); the words say how.
    Computed(&'static str),
}

impl DefaultWindow {
    /// The window in words, for listings.
    pub fn text(&self) -> String {
        match self {
            DefaultWindow::Fixed(w) => w.text(),
            DefaultWindow::Computed(words) => words.to_string(),
        }
    }
}

/// A surface kind, declared once in its file.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceKind {
    /// `[surface] kind = "..."`.
    pub name: &'static str,
    /// f(x, y) as text, for `render --list`, the schema and the README.
    pub formula: &'static str,
    /// One line: what the surface is for.
    pub doc: &'static str,
    /// The kind's own keys, besides the keys every `[surface]` has (`kind`, `x`, `y`).
    pub keys: &'static [Key],
    /// Keys of which exactly one must be given (e.g. inline `data` or a `data_file`); empty when
    /// no such choice exists.
    pub exactly_one_of: &'static [&'static str],
    pub window: DefaultWindow,
    /// Makes the surface from checked values of [`SurfaceKind::keys`] (defaults filled in).
    pub build: fn(&Values) -> Result<Surface, KeyError>,
}

impl SurfaceKind {
    /// The declared key `name`, if the kind has it.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// Every built-in surface kind, in the order `render --list` and the README show them. A new
/// kind's file adds its line here.
pub const SURFACE_KINDS: &[&SurfaceKind] = &[
    &quadratic::KIND,
    &bowl::KIND,
    &ravine::KIND,
    &rosenbrock::KIND,
    &himmelblau::KIND,
    &beale::KIND,
    &saddle::KIND,
    &rastrigin::KIND,
    &six_hump_camel::KIND,
    &multi_minima::KIND,
    &linear_regression::KIND,
];

/// The formula surface (`[surface] expr = "..."`): not a `kind`, but declared the same way.
pub const FORMULA: &SurfaceKind = &formula::KIND;

/// Looks up a built-in surface kind by name.
pub fn surface_kind(name: &str) -> Option<&'static SurfaceKind> {
    SURFACE_KINDS.iter().copied().find(|k| k.name == name)
}

/// A loss surface over the plane: a kind and its math.
#[derive(Clone)]
pub struct Surface {
    kind: &'static SurfaceKind,
    f: Arc<dyn SurfaceFn>,
}

impl fmt::Debug for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Surface")
            .field(&self.kind.name)
            .field(&self.f)
            .finish()
    }
}

impl Surface {
    /// A surface of `kind` with the math `f` (a kind may reuse another's math: a bowl is a
    /// quadratic).
    pub fn new(kind: &'static SurfaceKind, f: impl SurfaceFn) -> Surface {
        Surface {
            kind,
            f: Arc::new(f),
        }
    }

    /// The kind this surface is.
    pub fn kind(&self) -> &'static SurfaceKind {
        self.kind
    }

    /// The math, as its own type, when it is a `T` (for tests and kind-specific figures).
    pub fn downcast_ref<T: SurfaceFn>(&self) -> Option<&T> {
        let any: &dyn Any = &*self.f;
        any.downcast_ref::<T>()
    }

    /// f(x, y).
    pub fn value(&self, p: Point) -> f64 {
        self.f.value(p)
    }

    /// ∇f(x, y).
    pub fn gradient(&self, p: Point) -> Point {
        let (_, gx, gy) = self.f.value_and_gradient(p);
        [gx, gy]
    }

    /// (f, ∂f/∂x, ∂f/∂y), exact.
    pub fn value_and_gradient(&self, p: Point) -> (f64, f64, f64) {
        self.f.value_and_gradient(p)
    }

    /// The Hessian at `p`, exact (see [`SurfaceFn::hessian`]).
    pub fn hessian(&self, p: Point) -> Hessian {
        self.f.hessian(p)
    }

    /// The known minima, to mark on figures: the global ones (equally deep, see
    /// [`Surface::global_minimum_count`]) first, then the local ones.
    pub fn minima(&self) -> Vec<Point> {
        self.f.minima()
    }

    /// The known saddle points, to mark on figures.
    pub fn saddles(&self) -> Vec<Point> {
        self.f.saddles()
    }

    /// How many of [`Surface::minima`] are global: the first ones, as deep as the deepest
    /// within [`minima::SAME_DEPTH`]·(1 + |f*|). The rest are local minima.
    pub fn global_minimum_count(&self) -> usize {
        let values: Vec<f64> = self.minima().iter().map(|m| self.value(*m)).collect();
        let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        values
            .iter()
            .take_while(|v| **v - lowest <= minima::SAME_DEPTH * (1.0 + lowest.abs()))
            .count()
    }

    /// True when minimum `i` of [`Surface::minima`] is a global one.
    pub fn is_global_minimum(&self, i: usize) -> bool {
        i < self.global_minimum_count()
    }

    /// This surface with its minima found inside `window`, for a kind that finds its own (a
    /// formula written without `minima`); the surface itself otherwise. See [`minima`].
    pub fn with_minima_found(&self, window: &Window) -> Surface {
        match self.f.with_minima_found(window) {
            Some(f) => Surface {
                kind: self.kind,
                f: Arc::from(f),
            },
            None => self.clone(),
        }
    }

    /// The lowest value at the known minima (f*), when there are minima and it is finite.
    pub fn lowest_minimum(&self) -> Option<f64> {
        let f = self
            .minima()
            .iter()
            .map(|m| self.value(*m))
            .fold(f64::INFINITY, f64::min);
        f.is_finite().then_some(f)
    }

    /// See [`SurfaceFn::quadratic_curvatures`].
    pub fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        self.f.quadratic_curvatures()
    }

    /// See [`SurfaceFn::axis_curvatures`].
    pub fn axis_curvatures(&self) -> Option<(f64, f64)> {
        self.f.axis_curvatures()
    }

    /// Axis names: (x, y) for most surfaces, (m, b) for linear regression.
    pub fn axis_names(&self) -> (&'static str, &'static str) {
        self.f.axis_names()
    }

    /// The default view window: the surface's own, or its kind's.
    pub fn default_window(&self) -> Window {
        match (self.f.own_window(), self.kind.window) {
            (Some(w), _) => w,
            (None, DefaultWindow::Fixed(w)) => w,
            // A kind that computes its window and a surface that does not: the usual one.
            (None, DefaultWindow::Computed(_)) => Window::new((-3.0, 3.0), (-3.0, 3.0)),
        }
    }

    /// The data points the surface is made from, if any.
    pub fn data_points(&self) -> Option<&[Point]> {
        self.f.data_points()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Absent, Type, Value};

    /// The values a kind's keys default to, and `data` for kinds that need data.
    fn default_values(kind: &SurfaceKind) -> Values {
        let mut v = Values::default();
        for k in kind.keys {
            match (k.ty, k.absent) {
                (_, Absent::Number(x)) => v.set(k.name, Value::Number(x)),
                (_, Absent::Point(p)) => v.set(k.name, Value::Point(p)),
                (Type::Text, _) => v.set(k.name, Value::Text("(1 - x)^2 + 3*y^2".into())),
                (Type::Points { .. }, _) if kind.exactly_one_of.first() == Some(&k.name) => v.set(
                    k.name,
                    Value::Points(vec![[0.0, 1.0], [1.0, 2.9], [2.0, 5.2], [3.0, 6.8]]),
                ),
                _ => {}
            }
        }
        v
    }

    /// Every built-in kind and the formula, each built from its declared defaults.
    fn every_kind() -> Vec<Surface> {
        SURFACE_KINDS
            .iter()
            .copied()
            .chain([FORMULA])
            .map(|k| (k.build)(&default_values(k)).unwrap_or_else(|e| panic!("{}: {e:?}", k.name)))
            .collect()
    }

    #[test]
    fn every_kind_builds_from_its_defaults_and_names_itself() {
        let names: Vec<&str> = every_kind().iter().map(|s| s.kind().name).collect();
        let mut declared: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
        declared.push(FORMULA.name);
        assert_eq!(names, declared);
        let mut unique = declared.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), declared.len(), "kind names are unique");
        for k in SURFACE_KINDS.iter().copied().chain([FORMULA]) {
            for one in k.exactly_one_of {
                assert!(k.key(one).is_some(), "{}: `{one}` is not a key", k.name);
            }
            assert!(!k.doc.is_empty() && !k.formula.is_empty(), "{}", k.name);
        }
    }

    /// The analytic gradients agree with a central difference (a test oracle only).
    #[test]
    fn gradients_match_finite_differences() {
        let h = 1e-6;
        let mut surfaces = every_kind();
        surfaces.push(Surface::new(
            &quadratic::KIND,
            quadratic::Quadratic {
                a: 1.0,
                b: 10.0,
                angle: 0.4,
                center: [0.5, -0.25],
            },
        ));
        for s in surfaces {
            for p in [[0.3, -0.7], [1.1, 0.4], [-1.6, 1.3], [2.0, -0.2]] {
                let g = s.gradient(p);
                let fx = (s.value([p[0] + h, p[1]]) - s.value([p[0] - h, p[1]])) / (2.0 * h);
                let fy = (s.value([p[0], p[1] + h]) - s.value([p[0], p[1] - h])) / (2.0 * h);
                for (a, n) in [(g[0], fx), (g[1], fy)] {
                    assert!(
                        (a - n).abs() <= 1e-5 * (1.0 + n.abs()),
                        "{s:?} at {p:?}: analytic {a} vs numeric {n}"
                    );
                }
            }
        }
    }

    /// The analytic Hessians agree with central differences of the exact gradients, and are
    /// symmetric.
    #[test]
    fn hessians_match_differences_of_the_gradients() {
        let h = 1e-6;
        let mut surfaces = every_kind();
        surfaces.push(Surface::new(
            &quadratic::KIND,
            quadratic::Quadratic {
                a: 1.0,
                b: 10.0,
                angle: 0.4,
                center: [0.5, -0.25],
            },
        ));
        for s in surfaces {
            for p in [[0.3, -0.7], [1.1, 0.4], [-1.6, 1.3], [2.0, -0.2]] {
                let hess = s.hessian(p);
                assert_eq!(hess[0][1], hess[1][0], "{s:?} at {p:?}: symmetric");
                let (gxp, gxm) = (s.gradient([p[0] + h, p[1]]), s.gradient([p[0] - h, p[1]]));
                let (gyp, gym) = (s.gradient([p[0], p[1] + h]), s.gradient([p[0], p[1] - h]));
                let numeric = [
                    [(gxp[0] - gxm[0]) / (2.0 * h), (gyp[0] - gym[0]) / (2.0 * h)],
                    [(gxp[1] - gxm[1]) / (2.0 * h), (gyp[1] - gym[1]) / (2.0 * h)],
                ];
                for i in 0..2 {
                    for j in 0..2 {
                        let (a, n) = (hess[i][j], numeric[i][j]);
                        assert!(
                            (a - n).abs() <= 1e-5 * (1.0 + n.abs()),
                            "{s:?} at {p:?} [{i}][{j}]: analytic {a} vs numeric {n}"
                        );
                    }
                }
            }
        }
    }

    /// Which listed minima are global: all four of Himmelblau's, both of the six-hump camel's
    /// listed ones, the deeper of the tilted double well's.
    #[test]
    fn global_minima_are_the_equally_deepest() {
        let count = |name: &str| {
            let s = every_kind()
                .into_iter()
                .find(|s| s.kind().name == name)
                .expect("a kind");
            (s.global_minimum_count(), s.minima().len())
        };
        assert_eq!(count("himmelblau"), (4, 4));
        assert_eq!(count("six_hump_camel"), (2, 2));
        assert_eq!(count("multi_minima"), (1, 2));
        assert_eq!(count("saddle"), (0, 0));
        assert_eq!(count("rosenbrock"), (1, 1));
    }

    /// Every listed minimum is a stationary point, and no other sample point nearby is lower.
    #[test]
    fn minima_are_stationary_and_local_minima() {
        for s in every_kind() {
            for m in s.minima() {
                let g = s.gradient(m);
                assert!(g[0].abs() < 1e-5 && g[1].abs() < 1e-5, "{s:?} {m:?} {g:?}");
                let f0 = s.value(m);
                for (dx, dy) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
                    assert!(s.value([m[0] + dx, m[1] + dy]) >= f0, "{s:?} {m:?}");
                }
            }
        }
    }

    /// A quadratic's curvatures are its Hessian's eigenvalues: the gradient changes by exactly
    /// λ·d along each principal direction d.
    #[test]
    fn quadratic_curvatures_are_the_hessian_eigenvalues() {
        for s in every_kind() {
            let Some((lo, hi)) = s.quadratic_curvatures() else {
                continue;
            };
            // The Hessian from two gradient differences (exact on a quadratic up to rounding).
            let g0 = s.gradient([0.3, -0.2]);
            let gx = s.gradient([1.3, -0.2]);
            let gy = s.gradient([0.3, 0.8]);
            let (a, b, d) = (gx[0] - g0[0], gx[1] - g0[1], gy[1] - g0[1]);
            let mean = (a + d) / 2.0;
            let disc = ((a - d) * (a - d) / 4.0 + b * b).sqrt();
            let tol = 1e-9 * (1.0 + hi.abs());
            assert!(
                (lo - (mean - disc)).abs() < tol,
                "{s:?}: {lo} vs {}",
                mean - disc
            );
            assert!(
                (hi - (mean + disc)).abs() < tol,
                "{s:?}: {hi} vs {}",
                mean + disc
            );
            if let Some((cx, cy)) = s.axis_curvatures() {
                assert!(b.abs() < tol, "{s:?}: axis-aligned, yet ∂²f/∂x∂y = {b}");
                assert!((cx - a).abs() < tol && (cy - d).abs() < tol, "{s:?}");
            }
        }
    }

    #[test]
    fn windows_read_as_words() {
        assert_eq!(Window::new((-3.0, 3.0), (-3.0, 3.0)).text(), "[−3, 3]²");
        assert_eq!(
            Window::new((-3.0, 3.0), (-1.0, 1.0)).text(),
            "[−3, 3] × [−1, 1]"
        );
    }
}
