//! Optimizers and their update rules, each kind declared once, each rule following one named,
//! documented convention.
//!
//! Every optimizer kind is one file in this folder. The file declares its [`OptimizerKind`]:
//! name, one-line doc, its forms (each a name, the update rule as text and the rule itself as a
//! function; the first form is the default), its keys (hyper-parameters with defaults, checked
//! ranges, docs, and the forms each applies to) and, where theory covers it, the heavy-ball or
//! Nesterov recurrence it is on quadratics. The scene checker, the JSON Schema, `render --list`,
//! the gallery and the README's table all read the declarations.
//!
//! **Adding an optimizer** is one new file here (copy `rmsprop.rs`) plus its line in
//! [`OPTIMIZER_KINDS`]. Nothing else lists optimizers.
//!
//! An [`Optimizer`] is a fully specified rule (every hyper-parameter a number, flags 0 or 1,
//! sweeps already expanded); [`OptimizerState`] is what it carries from step to step. A rule
//! asks an [`Oracle`] for gradients (and, for Newton, Hessians) wherever it needs them.
//!
//! All arithmetic is f64, and the `pytorch` forms, Adagrad, RMSprop, Adam, AdamW and NAdam are
//! written in the order of operations of torch's single-tensor code paths
//! (`torch/optim/*.py`, `_single_tensor_*`) with ATen's CPU kernels spelled out by the helpers
//! below ([`lerp`], [`addcmul`], [`addcdiv`], [`add`]): `param.addcdiv_(m, d, value=-s)` is
//! θ + (−s·m)/d, not θ − s·(m/d). No multiply-add is ever fused (Rust never contracts
//! `a * b + c`), so a run agrees with torch in float64 to the last bits on the same inputs.

pub mod adagrad;
pub mod adam;
pub mod adamw;
pub mod gd;
pub mod momentum;
pub mod nadam;
pub mod nesterov;
pub mod newton;
pub mod rmsprop;

use std::fmt;

use crate::keys::{Absent, Key, Range};
use crate::surface::{Dims, Hessian, Point};
use crate::theory::Method;

/// The most keys an optimizer kind declares (RMSprop's lr, α, ε, weight decay, momentum and
/// `centered`).
pub const MAX_KEYS: usize = 6;

/// Where a rule gets its derivatives: the gradient at a point (noise and minibatches
/// included) and, for second-order rules, the Hessian.
pub trait Oracle {
    /// The gradient the rule steps with at `p`.
    fn gradient(&mut self, p: Point) -> Point;
    /// The Hessian at `p`, exact.
    fn hessian(&mut self, p: Point) -> Hessian;

    /// How many coordinates the points have: on a curve only x is one (its Hessian has no y
    /// curvature to invert).
    fn dims(&self) -> Dims {
        Dims::Two
    }
}

/// A gradient function is an oracle without second derivatives: its Hessian is NaN, which a
/// second-order rule reports as a Hessian it cannot use (first-order rules never ask).
impl<F: FnMut(Point) -> Point> Oracle for F {
    fn gradient(&mut self, p: Point) -> Point {
        self(p)
    }

    fn hessian(&mut self, _: Point) -> Hessian {
        [[f64::NAN; 2]; 2]
    }
}

/// Why a rule could not take its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Newton's (damped) Hessian is singular or not finite: H⁻¹∇f does not exist.
    SingularHessian,
}

// torch's tensor arithmetic, one ATen CPU kernel each, in the kernel's order of operations.

/// `self.lerp_(end, weight)`: ATen's `lerp`, self + w·(end − self) for |w| < 0.5 and
/// end − (end − self)·(1 − w) otherwise (the form that is exact at w = 1).
pub fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}

/// `self.add_(other, alpha=alpha)`: self + alpha·other.
pub fn add(current: f64, other: f64, alpha: f64) -> f64 {
    current + alpha * other
}

/// `self.addcmul_(t1, t2, value=value)`: self + (value·t1)·t2.
pub fn addcmul(current: f64, t1: f64, t2: f64, value: f64) -> f64 {
    current + value * t1 * t2
}

/// `self.addcdiv_(t1, t2, value=value)`: self + (value·t1)/t2.
pub fn addcdiv(current: f64, t1: f64, t2: f64, value: f64) -> f64 {
    current + value * t1 / t2
}

/// `torch.maximum(a, b)`: the larger, NaN if either is NaN (unlike `f64::max`).
pub fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// torch's coupled weight decay, `grad = grad.add(param, alpha=weight_decay)` when the decay
/// is not 0 (torch skips it at 0, so g is untouched even where θ is not finite).
pub fn with_weight_decay(g: Point, theta: Point, weight_decay: f64) -> Point {
    if weight_decay == 0.0 {
        return g;
    }
    [
        add(g[0], theta[0], weight_decay),
        add(g[1], theta[1], weight_decay),
    ]
}

/// What one step did: the new position and where the gradient was taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInfo {
    /// θ after the step.
    pub position: Point,
    /// The point the gradient was evaluated at (θ itself, or the look-ahead point).
    pub gradient_at: Point,
    /// The (possibly noisy) gradient that was used.
    pub gradient: Point,
}

/// What an optimizer remembers between steps, per coordinate (torch's per-parameter state).
/// Every field starts at zero (`mu_product` at one); a rule that starts elsewhere (Adagrad's
/// `initial_accumulator_value`) sets its state on step 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// The step being taken: 1 on the first step (t in the formulas, torch's `step`).
    pub t: u64,
    /// Momentum buffer / velocity / first moment (`exp_avg`).
    pub first: Point,
    /// Second moment / sum of squared gradients (`exp_avg_sq`, `square_avg`, `sum`).
    pub second: Point,
    /// AMSGrad's running maximum of the second moment (`max_exp_avg_sq`).
    pub max_second: Point,
    /// Centred RMSprop's moving average of gradients (`grad_avg`).
    pub grad_avg: Point,
    /// RMSprop's momentum buffer (`momentum_buffer`).
    pub buffer: Point,
    /// NAdam's product of momentum coefficients μ₁·…·μ_t (`mu_product`).
    pub mu_product: f64,
}

impl Memory {
    /// The state before the first step.
    pub const START: Memory = Memory {
        t: 0,
        first: [0.0; 2],
        second: [0.0; 2],
        max_second: [0.0; 2],
        grad_avg: [0.0; 2],
        buffer: [0.0; 2],
        mu_product: 1.0,
    };
}

/// An update rule: one step from `theta` with hyper-parameters `values` (in the order of the
/// kind's keys, the learning rate first: the one in force at this step), updating `memory`.
/// `oracle` gives the gradient (noise included) and the Hessian at a point.
pub type Rule = fn(
    values: &[f64; MAX_KEYS],
    memory: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError>;

/// One convention of an optimizer kind.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    /// `form = "..."`; empty for a kind with a single, unnamed form.
    pub name: &'static str,
    /// Whose convention it is, one line ("PyTorch's SGD").
    pub doc: &'static str,
    /// The update rule as text, in the same order of operations as [`Form::step`].
    pub rule: &'static str,
    pub step: Rule,
}

/// Where a run sits in theory's (lr, β) plane on quadratics: the two-step recurrence it follows
/// (see [`crate::theory`]) with that recurrence's lr and β.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuadraticTheory {
    pub method: Method,
    pub lr: f64,
    pub beta: f64,
}

/// An optimizer kind, declared once in its file.
#[derive(Debug, Clone, Copy)]
pub struct OptimizerKind {
    /// `[[optimizer]] kind = "..."`.
    pub name: &'static str,
    /// How default labels name it ("Momentum").
    pub title: &'static str,
    /// One line: what the method is.
    pub doc: &'static str,
    /// Its conventions; the first is the default.
    pub forms: &'static [Form],
    /// Its hyper-parameters, in the order sweeps expand (the first varies slowest).
    pub keys: &'static [Key],
    /// The recurrence it is on quadratics, for the theory charts; `None` where no linear
    /// recurrence describes it (the adaptive methods), and from the function where a setting
    /// leaves the recurrence (weight decay shifts the curvatures).
    pub theory: Option<fn(&Optimizer) -> Option<QuadraticTheory>>,
}

impl OptimizerKind {
    /// The declared key `name`, if the kind has it.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The form `name`, if the kind has it.
    pub fn form(&self, name: &str) -> Option<&'static Form> {
        self.forms.iter().find(|f| f.name == name)
    }

    /// True when the kind's forms have names (so a scene may choose one with `form`).
    pub fn has_named_forms(&self) -> bool {
        self.forms.iter().any(|f| !f.name.is_empty())
    }
}

/// Every optimizer kind, in the order `render --list` and the README show them. A new kind's
/// file adds its line here.
pub const OPTIMIZER_KINDS: &[&OptimizerKind] = &[
    &gd::KIND,
    &momentum::KIND,
    &nesterov::KIND,
    &adagrad::KIND,
    &rmsprop::KIND,
    &adam::KIND,
    &adamw::KIND,
    &nadam::KIND,
    &newton::KIND,
];

/// Looks up an optimizer kind by name.
pub fn optimizer_kind(name: &str) -> Option<&'static OptimizerKind> {
    OPTIMIZER_KINDS.iter().copied().find(|k| k.name == name)
}

/// The learning rate, every kind's first key.
pub const LR: Key = Key::sweepable(
    "lr",
    "learning rate",
    "The learning rate.",
    Range::above(0.0),
    Absent::Required,
)
.required("0.05");

/// torch's coupled weight decay (an L2 penalty ½·wd·|θ|² added to the loss): g ← g + wd·θ
/// before anything else the rule does.
pub const WEIGHT_DECAY: Key = Key::sweepable(
    "weight_decay",
    "weight decay",
    "torch's coupled weight decay (L2 penalty): g ← g + weight_decay·θ before the rule uses g.",
    Range::at_least(0.0),
    Absent::Number(0.0),
)
.named_when_set();

/// The momentum coefficient of heavy ball and Nesterov.
pub const BETA: Key = Key::sweepable(
    "beta",
    "momentum β",
    "The momentum: the fraction of the velocity kept from step to step.",
    Range::UNIT,
    Absent::Number(0.9),
)
.symbol("β");

/// The ε added to an adaptive method's denominator, with the kind's own default.
pub const fn eps(default: f64) -> Key {
    Key::sweepable(
        "eps",
        "epsilon",
        "Added to the denominator so that it is never zero.",
        Range::above(0.0),
        Absent::Number(default),
    )
    .symbol("ε")
    .named_when_set()
}

/// Adam's and its relatives' first-moment decay.
pub const BETA1: Key = Key::sweepable(
    "beta1",
    "first-moment decay β₁",
    "The decay of the moving average of gradients.",
    Range::UNIT,
    Absent::Number(0.9),
)
.symbol("β₁");

/// Adam's and its relatives' second-moment decay.
pub const BETA2: Key = Key::sweepable(
    "beta2",
    "second-moment decay β₂",
    "The decay of the moving average of squared gradients.",
    Range::UNIT,
    Absent::Number(0.999),
)
.symbol("β₂");

/// AMSGrad: divide by the running maximum of the second moment instead of the moment itself.
pub const AMSGRAD: Key = Key::flag(
    "amsgrad",
    "AMSGrad flag",
    "AMSGrad: divide by the largest second moment so far, so the effective step never grows.",
    false,
)
.named_when_set();

/// A fully specified optimizer: a kind, one of its forms and a value for each of its keys.
#[derive(Clone, Copy)]
pub struct Optimizer {
    kind: &'static OptimizerKind,
    form: &'static Form,
    /// In the order of the kind's keys; unused slots are 0.
    values: [f64; MAX_KEYS],
}

impl PartialEq for Optimizer {
    fn eq(&self, other: &Self) -> bool {
        self.kind.name == other.kind.name
            && self.form.name == other.form.name
            && self.values == other.values
    }
}

impl fmt::Debug for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct(self.kind.title);
        if !self.form.name.is_empty() {
            s.field("form", &self.form.name);
        }
        for (key, value) in self.kind.keys.iter().zip(self.values) {
            match key.ty {
                crate::keys::Type::Bool { .. } => s.field(key.name, &(value != 0.0)),
                _ => s.field(key.name, &value),
            };
        }
        s.finish()
    }
}

impl Optimizer {
    /// An optimizer of `kind` in form `form` ("" for a kind without named forms) with `values`
    /// for the kind's keys, in their declared order. Panics when the form is not the kind's or
    /// the count is wrong: callers pass declared names (the scene checker checks user input).
    pub fn new(kind: &'static OptimizerKind, form: &str, values: &[f64]) -> Optimizer {
        let form = kind
            .form(form)
            .unwrap_or_else(|| panic!("`{}` has no form {form:?}", kind.name));
        assert_eq!(
            values.len(),
            kind.keys.len(),
            "`{}` takes {} values",
            kind.name,
            kind.keys.len()
        );
        let mut all = [0.0; MAX_KEYS];
        all[..values.len()].copy_from_slice(values);
        Optimizer {
            kind,
            form,
            values: all,
        }
    }

    pub fn kind(&self) -> &'static OptimizerKind {
        self.kind
    }

    pub fn form(&self) -> &'static Form {
        self.form
    }

    /// The kind's place in [`OPTIMIZER_KINDS`]: a number per kind that is the same in every
    /// scene (e.g. to give each kind its own colour).
    pub fn kind_index(&self) -> usize {
        OPTIMIZER_KINDS
            .iter()
            .position(|k| k.name == self.kind.name)
            .expect("every kind is registered")
    }

    /// The value of key `name`, if the kind has it.
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = self.kind.keys.iter().position(|k| k.name == name)?;
        Some(self.values[i])
    }

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        self.get("lr").expect("every optimizer kind declares lr")
    }

    /// The momentum coefficient β, for the kinds that have one.
    pub fn beta(&self) -> Option<f64> {
        self.get("beta")
    }

    /// The flag `name` (a `true`/`false` key, held as 1 or 0), if the kind has it.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).map(|v| v != 0.0)
    }

    /// The keys that apply to this optimizer's form, with their values, in declared order.
    pub fn parameters(&self) -> impl Iterator<Item = (&'static Key, f64)> + '_ {
        self.kind
            .keys
            .iter()
            .zip(self.values)
            .filter(|(k, _)| k.applies_to_form(self.form.name))
    }

    /// The recurrence this optimizer is on quadratics, if theory covers it (see
    /// [`OptimizerKind::theory`]).
    pub fn theory(&self) -> Option<QuadraticTheory> {
        self.kind.theory.and_then(|theory| theory(self))
    }
}

/// The state an optimizer carries between steps.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerState {
    optimizer: Optimizer,
    memory: Memory,
}

impl OptimizerState {
    pub fn new(optimizer: Optimizer) -> Self {
        OptimizerState {
            optimizer,
            memory: Memory::START,
        }
    }

    /// The velocity-like state: the momentum buffer, the velocity or Adam's first moment.
    pub fn velocity(&self) -> Point {
        self.memory.first
    }

    /// What the optimizer remembers so far.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Takes one step from `theta` at the optimizer's own learning rate, `gradient` giving the
    /// gradient at a point (the caller adds noise there, so that noisy runs see noise wherever
    /// the gradient is taken). A second-order rule has no Hessian this way, and says so.
    pub fn step(
        &mut self,
        theta: Point,
        mut gradient: impl FnMut(Point) -> Point,
    ) -> Result<StepInfo, StepError> {
        self.step_at_lr(self.optimizer.values[0], theta, &mut gradient)
    }

    /// Takes one step at learning rate `lr` (a schedule's rate for this step): the rule sees
    /// `lr` where it would see its own, exactly as torch's rules read `group["lr"]` after a
    /// scheduler has set it.
    pub fn step_at_lr(
        &mut self,
        lr: f64,
        theta: Point,
        oracle: &mut dyn Oracle,
    ) -> Result<StepInfo, StepError> {
        self.memory.t += 1;
        let mut values = self.optimizer.values;
        values[0] = lr;
        (self.optimizer.form.step)(&values, &mut self.memory, theta, oracle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gradient and Hessian oracle for f = x² + 2y² (gradient (2x, 4y)).
    struct Bowl;

    impl Oracle for Bowl {
        fn gradient(&mut self, p: Point) -> Point {
            [2.0 * p[0], 4.0 * p[1]]
        }
        fn hessian(&mut self, _: Point) -> Hessian {
            [[2.0, 0.0], [0.0, 4.0]]
        }
    }

    /// The values a kind's keys default to (0.1 for a required one).
    fn defaults(k: &OptimizerKind) -> Vec<f64> {
        k.keys
            .iter()
            .map(|key| match key.absent {
                Absent::Number(v) => v,
                Absent::Bool(b) => f64::from(u8::from(b)),
                _ => 0.1,
            })
            .collect()
    }

    #[test]
    fn every_kind_is_declared_consistently() {
        let mut names: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OPTIMIZER_KINDS.len(), "kind names are unique");
        for k in OPTIMIZER_KINDS {
            assert!(k.keys.len() <= MAX_KEYS, "{}", k.name);
            assert_eq!(k.keys.first().map(|k| k.name), Some("lr"), "{}", k.name);
            assert!(!k.forms.is_empty(), "{}", k.name);
            // Either one unnamed form, or every form named.
            let named = k.forms.iter().filter(|f| !f.name.is_empty()).count();
            assert!(
                (k.forms.len() == 1 && named == 0) || named == k.forms.len(),
                "{}",
                k.name
            );
            for key in k.keys {
                for form in key.forms {
                    assert!(k.form(form).is_some(), "{}.{}: {form}", k.name, key.name);
                }
            }
            // Each form steps downhill with its declared defaults.
            for form in k.forms {
                let o = Optimizer::new(k, form.name, &defaults(k));
                let mut s = OptimizerState::new(o);
                let info = s
                    .step_at_lr(o.lr(), [1.0, -1.0], &mut Bowl)
                    .unwrap_or_else(|e| panic!("{o:?}: {e:?}"));
                assert!(
                    info.position[0] < 1.0 && info.position[1] > -1.0,
                    "{o:?} steps downhill: {info:?}"
                );
            }
        }
    }

    #[test]
    fn each_kind_has_its_registry_place() {
        let kinds = [
            gd::new(0.1),
            momentum::ema(0.1, 0.9),
            nesterov::lookahead(0.1, 0.9),
            adagrad::new(0.1, 0.0, 1e-10),
            rmsprop::new(0.1, 0.99, 1e-8),
            adam::new(0.1, 0.9, 0.999, 1e-8),
            adamw::new(0.1, 0.9, 0.999, 1e-8, 0.01, false),
            nadam::new(0.1, 0.9, 0.999, 1e-8, 0.0, 0.004),
            newton::new(1.0, 0.0),
        ];
        let places: Vec<usize> = kinds.iter().map(Optimizer::kind_index).collect();
        assert_eq!(places, (0..OPTIMIZER_KINDS.len()).collect::<Vec<_>>());
        assert_eq!(
            momentum::pytorch(0.1, 0.9, 0.0).kind_index(),
            1,
            "whatever the form"
        );
    }

    #[test]
    fn parameters_follow_the_form() {
        let p = momentum::pytorch(0.1, 0.9, 0.5);
        let keys: Vec<&str> = p.parameters().map(|(k, _)| k.name).collect();
        assert_eq!(keys, ["lr", "beta", "dampening", "weight_decay"]);
        let e = momentum::ema(0.1, 0.9);
        let keys: Vec<&str> = e.parameters().map(|(k, _)| k.name).collect();
        assert_eq!(keys, ["lr", "beta", "weight_decay"]);
        assert_eq!(e.get("dampening"), Some(0.0));
        assert_eq!(
            format!("{p:?}"),
            "Momentum { form: \"pytorch\", lr: 0.1, beta: 0.9, dampening: 0.5, weight_decay: 0.0 }"
        );
        // Flags read as flags.
        let a = adam::with_options(0.1, 0.9, 0.999, 1e-8, 0.0, true);
        assert_eq!(a.flag("amsgrad"), Some(true));
        assert!(format!("{a:?}").contains("amsgrad: true"), "{a:?}");
    }

    #[test]
    fn theory_places_each_run_in_the_heavy_ball_or_nesterov_plane() {
        let hb = |lr, beta| {
            Some(QuadraticTheory {
                method: Method::HeavyBall,
                lr,
                beta,
            })
        };
        assert_eq!(gd::new(0.1).theory(), hb(0.1, 0.0));
        assert_eq!(momentum::pytorch(0.1, 0.9, 0.0).theory(), hb(0.1, 0.9));
        assert_eq!(momentum::velocity(0.1, 0.9).theory(), hb(0.1, 0.9));
        // The EMA form's steps are (1 − β) times the velocity form's with the same lr.
        assert_eq!(momentum::ema(0.1, 0.5).theory(), hb(0.05, 0.5));
        // Dampening shortens the buffer's steps, except at β = 0 where torch keeps no buffer.
        assert_eq!(momentum::pytorch(0.1, 0.5, 0.5).theory(), hb(0.05, 0.5));
        assert_eq!(momentum::pytorch(0.1, 0.0, 0.5).theory(), hb(0.1, 0.0));
        for o in [nesterov::pytorch(0.1, 0.9), nesterov::lookahead(0.1, 0.9)] {
            assert_eq!(o.theory().map(|t| t.method), Some(Method::Nesterov));
        }
        assert_eq!(adam::new(0.1, 0.9, 0.999, 1e-8).theory(), None);
        // Weight decay shifts every curvature: the surface's recurrence no longer holds.
        assert_eq!(gd::with_decay(0.1, 0.01).theory(), None);
        assert_eq!(
            momentum::pytorch_with_decay(0.1, 0.9, 0.0, 0.01).theory(),
            None
        );
        assert_eq!(nesterov::pytorch_with_decay(0.1, 0.9, 0.01).theory(), None);
    }

    /// ATen's lerp switches formulas at weight 0.5, and is exact at both ends.
    #[test]
    fn lerp_is_atens() {
        assert_eq!(lerp(2.0, 6.0, 0.25), 2.0 + 0.25 * (6.0 - 2.0));
        assert_eq!(lerp(2.0, 6.0, 0.75), 6.0 - (6.0 - 2.0) * (1.0 - 0.75));
        assert_eq!(lerp(0.1, 0.7, 1.0), 0.7, "the end itself at weight 1");
        assert_eq!(lerp(0.1, 0.7, 0.0), 0.1);
        // The two formulas round differently: the large-weight one is torch's for w ≥ 0.5.
        let (a, b, w) = (0.1, 0.7, 0.9);
        assert_eq!(lerp(a, b, w).to_bits(), (b - (b - a) * (1.0 - w)).to_bits());
        assert_eq!(addcdiv(1.0, 3.0, 7.0, -0.1), 1.0 + (-0.1 * 3.0) / 7.0);
        assert!(maximum(f64::NAN, 1.0).is_nan() && maximum(1.0, 2.0) == 2.0);
    }

    #[test]
    fn a_gradient_function_has_no_hessian_for_newton() {
        let mut s = OptimizerState::new(newton::new(1.0, 0.0));
        assert_eq!(
            s.step([1.0, 1.0], |p| p),
            Err(StepError::SingularHessian),
            "a NaN Hessian cannot be inverted"
        );
    }
}
