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
//! An [`Optimizer`] is a fully specified rule (every hyper-parameter a number, sweeps already
//! expanded); [`OptimizerState`] is what it carries from step to step. All arithmetic is f64 and
//! written in the same order as the reference implementation it names (PyTorch's `torch.optim`
//! for `pytorch` forms, Adagrad, RMSprop and Adam), so results agree with that reference to the
//! last bits on the same inputs.

pub mod adagrad;
pub mod adam;
pub mod gd;
pub mod momentum;
pub mod nesterov;
pub mod rmsprop;

use std::fmt;

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;
use crate::theory::Method;

/// The most keys an optimizer kind declares (Adam's lr, β₁, β₂, ε).
pub const MAX_KEYS: usize = 4;

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

/// What an optimizer remembers between steps, per coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// The step being taken: 1 on the first step (t in the formulas).
    pub t: u64,
    /// Momentum buffer / velocity / first moment.
    pub first: Point,
    /// Second moment / sum of squared gradients.
    pub second: Point,
}

/// An update rule: one step from `theta` with hyper-parameters `values` (in the order of the
/// kind's keys), updating `memory`. `gradient` returns the gradient at a point (noise included).
pub type Rule = fn(
    values: &[f64; MAX_KEYS],
    memory: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo;

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
    /// recurrence describes it (the adaptive methods).
    pub theory: Option<fn(&Optimizer) -> QuadraticTheory>,
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
            s.field(key.name, &value);
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
        self.kind.theory.map(|theory| theory(self))
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
            memory: Memory {
                t: 0,
                first: [0.0; 2],
                second: [0.0; 2],
            },
        }
    }

    /// The velocity-like state: the momentum buffer, the velocity or Adam's first moment.
    pub fn velocity(&self) -> Point {
        self.memory.first
    }

    /// Takes one step from `theta`. `gradient` returns the gradient at a point (the caller adds
    /// noise there, so that noisy runs see noise wherever the gradient is taken).
    pub fn step(&mut self, theta: Point, mut gradient: impl FnMut(Point) -> Point) -> StepInfo {
        self.memory.t += 1;
        (self.optimizer.form.step)(
            &self.optimizer.values,
            &mut self.memory,
            theta,
            &mut gradient,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            // Each form steps with its declared defaults.
            for form in k.forms {
                let values: Vec<f64> = k
                    .keys
                    .iter()
                    .map(|key| match key.absent {
                        Absent::Number(v) => v,
                        _ => 0.1,
                    })
                    .collect();
                let o = Optimizer::new(k, form.name, &values);
                let mut s = OptimizerState::new(o);
                let info = s.step([1.0, -1.0], |p| [2.0 * p[0], 4.0 * p[1]]);
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
        ];
        let places: Vec<usize> = kinds.iter().map(Optimizer::kind_index).collect();
        assert_eq!(places, [0, 1, 2, 3, 4, 5]);
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
        assert_eq!(keys, ["lr", "beta", "dampening"]);
        let e = momentum::ema(0.1, 0.9);
        let keys: Vec<&str> = e.parameters().map(|(k, _)| k.name).collect();
        assert_eq!(keys, ["lr", "beta"]);
        assert_eq!(e.get("dampening"), Some(0.0));
        assert_eq!(
            format!("{p:?}"),
            "Momentum { form: \"pytorch\", lr: 0.1, beta: 0.9, dampening: 0.5 }"
        );
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
        for o in [nesterov::pytorch(0.1, 0.9), nesterov::lookahead(0.1, 0.9)] {
            assert_eq!(o.theory().map(|t| t.method), Some(Method::Nesterov));
        }
        assert_eq!(adam::new(0.1, 0.9, 0.999, 1e-8).theory(), None);
    }
}
