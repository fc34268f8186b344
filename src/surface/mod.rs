//! Loss surfaces f(x, y) and curves f(x): the built-in kinds and user formulas, each declared
//! once.
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
//! A **1-D kind** (a curve f(x)) implements [`CurveFn`] instead (copy `quadratic1d.rs`), and a
//! formula in x alone is one too. A curve is still a [`Surface`] to everything downstream: its
//! points are `[x, 0]`, its gradient `[f'(x), 0]`, so every optimizer steps it unchanged, and
//! what must know the difference asks [`Surface::dims`] (the scene's view, Newton's solve, the
//! noise, the picture, the caption, the CSV).
//!
//! A [`Surface`] is immutable, cheap to clone (the function is shared) and safe to use from
//! every thread.

pub mod beale;
pub mod bowl;
pub mod double_well;
pub mod formula;
pub mod himmelblau;
pub mod linear_regression;
pub mod minima;
pub mod multi_minima;
pub mod quadratic;
pub mod quadratic1d;
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

/// How many coordinates a surface's points have: a scene on a 1-D surface draws a curve with
/// balls on it, one on a 2-D surface contours with paths over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dims {
    /// f(x): a curve. Its points are held as `[x, 0]`; the second coordinate is not one of its
    /// own, every rule leaves it at 0 (its gradient is 0), and nothing reads it.
    One,
    /// f(x, y).
    Two,
}

impl Dims {
    /// A point as labels write it: `(1, −2)` on a plane, `1` on a curve (plain Rust numbers,
    /// as the scene file has them).
    pub fn point_text(self, p: Point) -> String {
        // A true minus, as on the axes; huge or tiny numbers in scientific notation.
        let n = |v: f64| crate::keys::number_text(v).replace('-', "−");
        match self {
            Dims::One => n(p[0]),
            Dims::Two => format!("({}, {})", n(p[0]), n(p[1])),
        }
    }
}

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

    /// f at each `(x, y)` of `xs` into `out` (as long as `xs`): a row of the picture's
    /// background. Compiled for each kind, so a row costs one dynamic call, not one per point.
    fn values_along(&self, xs: &[f64], y: f64, out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.value([x, y]);
        }
    }

    /// [`SurfaceFn::value_and_gradient`] at each `(x, y)` of `xs` into `out`, as
    /// [`SurfaceFn::values_along`].
    fn values_and_gradients_along(&self, xs: &[f64], y: f64, out: &mut [(f64, f64, f64)]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.value_and_gradient([x, y]);
        }
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

    /// The curvature along x when the surface is a quadratic whose principal axes are the
    /// coordinate axes, so that x moves on its own (as on f = ½λw²): the damping chart's
    /// theory.
    fn x_curvature(&self) -> Option<f64> {
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

/// A curve's math: f(x) of a 1-D kind, or of a formula in x alone. One type per kind
/// implements it, in the kind's file; [`Surface::curve`] makes it a surface.
pub trait CurveFn: Any + Send + Sync + RefUnwindSafe + fmt::Debug {
    /// (f, f') at `x`, exact.
    fn value_and_derivative(&self, x: f64) -> (f64, f64);

    /// f at `x`; override when the value alone is cheaper.
    fn value(&self, x: f64) -> f64 {
        self.value_and_derivative(x).0
    }

    /// f'' at `x`, exact: Newton's step in 1-D, and what tells a minimum.
    fn second_derivative(&self, x: f64) -> f64;

    /// The known minima (their x), global ones first where several are known.
    fn minima(&self) -> Vec<f64>;

    /// f'' when it is the same everywhere and positive (a quadratic): the theory of the rate,
    /// stability and damping charts holds exactly there.
    fn curvature(&self) -> Option<f64> {
        None
    }

    /// The same math with its minima found in `x` (the view's range), for a curve that does
    /// not know them (a formula without `minima`); `None` when it keeps its own.
    fn with_minima_found(&self, _x: (f64, f64)) -> Option<Box<dyn CurveFn>> {
        None
    }
}

/// Where a surface kind's default view window is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultWindow {
    /// Always this window.
    Fixed(Window),
    /// A 1-D kind's x range (what f shows is chosen from the curve).
    Range((f64, f64)),
    /// Computed by the surface ([`SurfaceFn::own_window`]); the words say how.
    Computed(&'static str),
}

impl DefaultWindow {
    /// The window in words, for listings.
    pub fn text(&self) -> String {
        match self {
            DefaultWindow::Fixed(w) => w.text(),
            DefaultWindow::Range((lo, hi)) => {
                let num = |v: f64| v.to_string().replace('-', "−");
                format!("x ∈ [{}, {}]", num(*lo), num(*hi))
            }
            DefaultWindow::Computed(words) => words.to_string(),
        }
    }
}

/// A surface kind, declared once in its file.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceKind {
    /// `[surface] kind = "..."`.
    pub name: &'static str,
    /// f(x, y), or f(x) for a 1-D kind, as text, for `render --list`, the schema and the
    /// README.
    pub formula: &'static str,
    /// One line: what the surface is for.
    pub doc: &'static str,
    /// The kind's own keys, besides the keys every `[surface]` has (`kind`, `x`, `y`).
    pub keys: &'static [Key],
    /// Keys of which exactly one must be given (e.g. inline `data` or a `data_file`); empty when
    /// no such choice exists.
    pub exactly_one_of: &'static [&'static str],
    pub window: DefaultWindow,
    /// How many coordinates its points have; `None` for the formula, whose own variables
    /// decide (a formula in x alone is a curve).
    pub dims: Option<Dims>,
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
    &quadratic1d::KIND,
    &double_well::KIND,
];

/// The formula surface (`[surface] expr = "..."`): not a `kind`, but declared the same way.
pub const FORMULA: &SurfaceKind = &formula::KIND;

/// Looks up a built-in surface kind by name.
pub fn surface_kind(name: &str) -> Option<&'static SurfaceKind> {
    SURFACE_KINDS.iter().copied().find(|k| k.name == name)
}

/// A surface's math: over the plane, or along x.
#[derive(Clone)]
enum Math {
    Plane(Arc<dyn SurfaceFn>),
    Curve(Arc<dyn CurveFn>),
}

/// A loss surface: a kind and its math, over the plane or (a curve) along x.
#[derive(Clone)]
pub struct Surface {
    kind: &'static SurfaceKind,
    f: Math,
}

impl fmt::Debug for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = f.debug_tuple("Surface");
        t.field(&self.kind.name);
        match &self.f {
            Math::Plane(m) => t.field(m),
            Math::Curve(m) => t.field(m),
        };
        t.finish()
    }
}

impl Surface {
    /// A surface of `kind` with the math `f` (a kind may reuse another's math: a bowl is a
    /// quadratic).
    pub fn new(kind: &'static SurfaceKind, f: impl SurfaceFn) -> Surface {
        Surface {
            kind,
            f: Math::Plane(Arc::new(f)),
        }
    }

    /// A 1-D surface of `kind`: the curve `f`.
    pub fn curve(kind: &'static SurfaceKind, f: impl CurveFn) -> Surface {
        Surface {
            kind,
            f: Math::Curve(Arc::new(f)),
        }
    }

    /// The kind this surface is.
    pub fn kind(&self) -> &'static SurfaceKind {
        self.kind
    }

    /// How many coordinates the surface's points have.
    pub fn dims(&self) -> Dims {
        match self.f {
            Math::Plane(_) => Dims::Two,
            Math::Curve(_) => Dims::One,
        }
    }

    /// The math, as its own type, when it is a `T` (for tests and kind-specific figures).
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        let any: &dyn Any = match &self.f {
            Math::Plane(m) => &**m,
            Math::Curve(m) => &**m,
        };
        any.downcast_ref::<T>()
    }

    /// f at each `(x, y)` of `xs` into `out` (see [`SurfaceFn::values_along`]); on a curve
    /// f(x).
    pub fn values_along(&self, xs: &[f64], y: f64, out: &mut [f64]) {
        match &self.f {
            Math::Plane(m) => m.values_along(xs, y, out),
            Math::Curve(m) => {
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o = m.value(x);
                }
            }
        }
    }

    /// (f, ∂f/∂x, ∂f/∂y) at each `(x, y)` of `xs` into `out` (see
    /// [`SurfaceFn::values_and_gradients_along`]); on a curve (f, f', 0).
    pub fn values_and_gradients_along(&self, xs: &[f64], y: f64, out: &mut [(f64, f64, f64)]) {
        match &self.f {
            Math::Plane(m) => m.values_and_gradients_along(xs, y, out),
            Math::Curve(_) => {
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o = self.value_and_gradient([x, y]);
                }
            }
        }
    }

    /// f(x, y), or f(x) on a curve.
    pub fn value(&self, p: Point) -> f64 {
        match &self.f {
            Math::Plane(m) => m.value(p),
            Math::Curve(m) => m.value(p[0]),
        }
    }

    /// ∇f(x, y); on a curve [f'(x), 0].
    pub fn gradient(&self, p: Point) -> Point {
        let (_, gx, gy) = self.value_and_gradient(p);
        [gx, gy]
    }

    /// (f, ∂f/∂x, ∂f/∂y), exact; on a curve (f, f', 0).
    pub fn value_and_gradient(&self, p: Point) -> (f64, f64, f64) {
        match &self.f {
            Math::Plane(m) => m.value_and_gradient(p),
            Math::Curve(m) => {
                let (f, d) = m.value_and_derivative(p[0]);
                (f, d, 0.0)
            }
        }
    }

    /// The Hessian at `p`, exact (see [`SurfaceFn::hessian`]); on a curve [[f''(x), 0], [0, 0]]
    /// (the curve is flat across, which is why Newton solves in x alone there).
    pub fn hessian(&self, p: Point) -> Hessian {
        match &self.f {
            Math::Plane(m) => m.hessian(p),
            Math::Curve(m) => [[m.second_derivative(p[0]), 0.0], [0.0, 0.0]],
        }
    }

    /// The known minima, to mark on figures: the global ones (equally deep, see
    /// [`Surface::global_minimum_count`]) first, then the local ones. A curve's are `[x, 0]`.
    pub fn minima(&self) -> Vec<Point> {
        match &self.f {
            Math::Plane(m) => m.minima(),
            Math::Curve(m) => m.minima().into_iter().map(|x| [x, 0.0]).collect(),
        }
    }

    /// The known saddle points, to mark on figures (a curve has none).
    pub fn saddles(&self) -> Vec<Point> {
        match &self.f {
            Math::Plane(m) => m.saddles(),
            Math::Curve(_) => Vec::new(),
        }
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

    /// This surface with its minima found inside `window` (a curve's in its x range), for a
    /// kind that finds its own (a formula written without `minima`); the surface itself
    /// otherwise. See [`minima`].
    pub fn with_minima_found(&self, window: &Window) -> Surface {
        let f = match &self.f {
            Math::Plane(m) => m
                .with_minima_found(window)
                .map(|f| Math::Plane(Arc::from(f))),
            Math::Curve(m) => m
                .with_minima_found(window.x)
                .map(|f| Math::Curve(Arc::from(f))),
        };
        match f {
            Some(f) => Surface { kind: self.kind, f },
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

    /// See [`SurfaceFn::quadratic_curvatures`]; a quadratic curve's one curvature is both.
    pub fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        match &self.f {
            Math::Plane(m) => m.quadratic_curvatures(),
            Math::Curve(m) => m.curvature().map(|c| (c, c)),
        }
    }

    /// See [`SurfaceFn::x_curvature`]; a quadratic curve's curvature.
    pub fn x_curvature(&self) -> Option<f64> {
        match &self.f {
            Math::Plane(m) => m.x_curvature(),
            Math::Curve(m) => m.curvature(),
        }
    }

    /// Axis names: (x, y) for most surfaces, (m, b) for linear regression; a curve's second
    /// axis shows f(x).
    pub fn axis_names(&self) -> (&'static str, &'static str) {
        match &self.f {
            Math::Plane(m) => m.axis_names(),
            Math::Curve(_) => ("x", "f(x)"),
        }
    }

    /// The default view window: the surface's own, or its kind's. A curve's y range is a
    /// placeholder (the scene chooses the range of f to show, see
    /// [`crate::scene::view`]).
    pub fn default_window(&self) -> Window {
        let own = match &self.f {
            Math::Plane(m) => m.own_window(),
            Math::Curve(_) => None,
        };
        match (own, self.kind.window) {
            (Some(w), _) => w,
            (None, DefaultWindow::Fixed(w)) => w,
            (None, DefaultWindow::Range(x)) => Window::new(x, (-1.0, 1.0)),
            // A kind that computes its window and a surface that does not: the usual one.
            (None, DefaultWindow::Computed(_)) => Window::new((-3.0, 3.0), (-3.0, 3.0)),
        }
    }

    /// The data points the surface is made from, if any.
    pub fn data_points(&self) -> Option<&[Point]> {
        match &self.f {
            Math::Plane(m) => m.data_points(),
            Math::Curve(_) => None,
        }
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

    /// A row evaluated at once gives, bit for bit, what each point gives alone (the background
    /// is computed by rows; the trajectories and markers point by point).
    #[test]
    fn rows_are_their_points() {
        let xs = [-2.5, -0.3, 0.0, 0.7, 1.9, 2.75];
        for s in every_kind() {
            for y in [-1.7, 0.0, 0.45] {
                let mut values = [f64::NAN; 6];
                let mut with_gradients = [(f64::NAN, f64::NAN, f64::NAN); 6];
                s.values_along(&xs, y, &mut values);
                s.values_and_gradients_along(&xs, y, &mut with_gradients);
                for (k, &x) in xs.iter().enumerate() {
                    let (f, gx, gy) = s.value_and_gradient([x, y]);
                    let bits = |v: (f64, f64, f64)| (v.0.to_bits(), v.1.to_bits(), v.2.to_bits());
                    assert_eq!(
                        bits(with_gradients[k]),
                        bits((f, gx, gy)),
                        "{s:?} at {x}, {y}"
                    );
                    assert_eq!(values[k].to_bits(), s.value([x, y]).to_bits(), "{s:?}");
                }
            }
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
            if s.dims() == Dims::One {
                // A curve's one curvature is f'', the gradient's change along x.
                let d = s.gradient([1.3, 0.0])[0] - s.gradient([0.3, 0.0])[0];
                assert!((lo - d).abs() < 1e-9 && lo == hi, "{s:?}: {lo} {hi} vs {d}");
                assert_eq!(s.x_curvature(), Some(lo));
                continue;
            }
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
            if let Some(cx) = s.x_curvature() {
                assert!(b.abs() < tol, "{s:?}: axis-aligned, yet ∂²f/∂x∂y = {b}");
                assert!((cx - a).abs() < tol, "{s:?}");
            }
        }
    }

    /// A kind declares its dimension, and the surface it builds has it; a 1-D kind's default
    /// window is an x range.
    #[test]
    fn kinds_build_surfaces_of_their_declared_dimension() {
        for s in every_kind() {
            let kind = s.kind();
            match kind.dims {
                Some(d) => assert_eq!(s.dims(), d, "{}", kind.name),
                // The formula decides: the default one reads y.
                None => assert_eq!(s.dims(), Dims::Two, "{}", kind.name),
            }
            assert_eq!(
                matches!(kind.window, DefaultWindow::Range(_)),
                kind.dims == Some(Dims::One),
                "{}",
                kind.name
            );
        }
        assert_eq!(quadratic1d::KIND.window.text(), "x ∈ [−3, 3]");
        assert_eq!(Dims::One.point_text([1.5, 0.0]), "1.5");
        assert_eq!(Dims::Two.point_text([1.5, -2.0]), "(1.5, −2)");
        assert_eq!(Dims::One.point_text([-1e300, 0.0]), "−1e300");
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
