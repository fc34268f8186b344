//! The scene's own tables, declared once: the top-level keys, `[output]`, `[draw]`,
//! `[[start]]`, the keys every `[surface]` and every `[[optimizer]]` entry has whatever its kind,
//! and the names output formats, charts, overlays, panel layouts, aspects and contour scales are
//! written as.
//!
//! The kinds' own keys are declared with the kinds (`crate::surface`, `crate::optimizer`). The
//! checker, the JSON Schema and `render --list` read these tables; a new `[draw]` key, chart or
//! overlay is one entry here (plus the code that draws it).

use crate::choices;
use crate::keys::{Absent, Choice, Key, Range, Type};

use super::limits;

choices! {
    /// A kind of file a scene writes, chosen in `[output] formats`. Charts are written in the
    /// still formats chosen (`png`, `svg`); the caption, `NAME.txt`, is always written.
    pub enum Format in FORMATS {
        Gif = "gif": "NAME.gif: the animation, looping.",
        Png = "png": "NAME.png: the last frame as a still, and each chart as NAME.CHART.png.",
        Svg = "svg": "NAME.svg: the last frame as vector shapes, and each chart as NAME.CHART.svg.",
        Csv = "csv": "NAME.csv: every run's position and loss at every step.",
        Html = "html": "NAME.html: a self-contained player (play, pause, step, scrub, speed, loop, a readout per run, sliders for swept keys).",
        Pdf = "pdf": "NAME.frames.pdf, one vector page per step, and NAME.tex, the line that animates it in LaTeX (the animate package).",
        Frames = "frames": "NAME.frames/: every frame as a PNG (0000.png, 0001.png, ...).",
    }
}

choices! {
    /// How contour levels are spaced.
    pub enum ContourScale in SCALES {
        Auto = "auto": "Log-spaced when the surface spans more than two decades over the window, else linear.",
        Linear = "linear": "Evenly spaced in f.",
        Log = "log": "Evenly spaced in log f.",
    }
}

choices! {
    /// A static chart a scene can ask for in `[draw] charts`, written as NAME.CHART.png and
    /// NAME.CHART.svg (see [`crate::figures`]).
    pub enum Chart in CHARTS {
        Loss = "loss": "f − f* and the distance to the nearest minimum against the step, log scale; f itself where no minimum is known.",
        Rate = "rate": "The best convergence rate against β for heavy ball and Nesterov, β* marked (convex quadratic surfaces).",
        Stability = "stability": "The convergence factor over the (lr, β) plane for heavy ball and Nesterov, with the theory's bounds (convex quadratic surfaces).",
        Damping = "damping": "Each run's x − x* against the step, heavy-ball runs on axis-aligned quadratics labelled over-, critically or under-damped.",
        Ewma = "ewma": "The first noisy run's gradients (x component) and their moving averages for β = 0.5, 0.9, 0.98, plain and bias-corrected (needs a run with noise).",
        Surface3d = "surface3d": "A 3-D view of the surface with every run's path on it.",
        Lr = "lr": "The learning rate each run used at each step (its schedule), one line per run.",
        StepLength = "step_length": "How far each run's update moved, |θ_k − θ_{k−1}|, against the step: an adaptive method's effective step.",
    }
}

choices! {
    /// What a frame can show at each run's head, besides the head itself.
    pub enum Overlay in OVERLAYS {
        Velocity = "velocity": "The step just taken, continued from the head: where inertia carries it.",
        Gradient = "gradient": "The plain gradient step −lr·∇f from the head, in black.",
        Lookahead = "lookahead": "Where Nesterov's next gradient is taken (θ + β·v), when it is not the head itself.",
        Loss = "loss": "An inset loss curve (f − f*, log scale) beside the plot that grows with the animation.",
    }
}

choices! {
    /// How the animation lays its runs out.
    pub enum Panels in PANELS {
        Single = "single": "One plot holds every run.",
        Sweep = "sweep": "Small multiples: one panel per optimizer setting (each entry and each value of its sweeps), its start points together.",
        Start = "start": "Small multiples: one panel per start point, every setting in each, a setting in the same colour in every panel.",
    }
}

choices! {
    /// How a plot's two axes share their scale.
    pub enum Aspect in ASPECTS {
        Equal = "equal": "One unit is as long across as up: circles stay round, and the plot takes the window's proportions.",
        Fill = "fill": "Each axis stretched to fill the plot (the window's x and y units may differ on screen).",
    }
}

/// `title`.
pub const TITLE: Key = Key::new("title", Type::Text, "title", "The figure's title.")
    .absent(Absent::Computed("the surface kind"));

/// `[output]`.
pub const OUTPUT: Key = Key::new(
    "output",
    Type::Table(OUTPUT_KEYS),
    "[output] table",
    "File names, canvas and clock.",
);

/// `[surface]`.
pub const SURFACE: Key = Key::new(
    "surface",
    Type::Surface,
    "[surface] table",
    "The loss surface: a built-in `kind` with its parameters, or a formula `expr` in x and y \
     (not both), and the view window.",
)
.required("[surface]\nkind = \"quadratic\"\na = 1.0\nb = 10.0");

/// `[draw]`.
pub const DRAW: Key = Key::new(
    "draw",
    Type::Table(DRAW_KEYS),
    "[draw] table",
    "How the surface is shown.",
);

/// `[[start]]`.
pub const START: Key = Key::new(
    "start",
    Type::Tables {
        keys: START_KEYS,
        max: limits::MAX_RUNS,
    },
    "start point",
    "One or more start points; every optimizer setting runs from each.",
)
.required("[[start]]\nat = [2.5, -2.0]");

/// `[[optimizer]]`.
pub const OPTIMIZER: Key = Key::new(
    "optimizer",
    Type::Optimizers,
    "optimizer",
    "One or more optimizer entries. Runs expand in this order: entries in file order, then \
     sweep values (the first swept key, in the kind's order, varying slowest), then start \
     points.",
)
.required("[[optimizer]]\nkind = \"gd\"\nlr = 0.05");

/// The top level of a scene file.
pub const SCENE_KEYS: &[Key] = &[TITLE, OUTPUT, SURFACE, DRAW, START, OPTIMIZER];

/// `[output] name`.
pub const NAME: Key = Key::new(
    "name",
    Type::FileName,
    "file name",
    "Base name of the files written: NAME.gif, NAME.png, NAME.svg, NAME.csv, NAME.html, the \
     charts' and the others `formats` asks for.",
)
.absent(Absent::Computed("the scene file's name"));

/// `[output] size`.
pub const SIZE: Key = Key::new(
    "size",
    Type::WholePair {
        names: ["width", "height"],
        range: Range::from_to(limits::SIZE.0 as f64, limits::SIZE.1 as f64),
        unit: "pixels",
    },
    "size",
    "[width, height] of the animation and figures, in pixels.",
)
.absent(Absent::WholePair([640, 480]));

/// `[output] steps`.
pub const STEPS: Key = Key::new(
    "steps",
    Type::Whole {
        range: Range::from_to(1.0, limits::MAX_STEPS as f64),
        sweep: false,
    },
    "number of steps",
    "Optimizer steps; the animation has steps + 1 frames (frame 0 is the start).",
)
.absent(Absent::Whole(60));

/// `[output] formats`.
pub const FORMATS_KEY: Key = Key::new(
    "formats",
    Type::Choices(FORMATS),
    "format",
    "The files to write besides the caption NAME.txt; the charts of `[draw] charts` come in the \
     still formats chosen (png, svg).",
)
.absent(Absent::Names(&["gif", "png", "svg", "csv", "html"]));

/// `[output] poster`.
pub const POSTER: Key = Key::new(
    "poster",
    Type::Whole {
        range: Range::from_to(0.0, limits::MAX_STEPS as f64),
        sweep: false,
    },
    "step",
    "The step the player (NAME.html) shows before it plays, and stays on when the reader \
     prefers reduced motion; at most `steps`.",
)
.absent(Absent::Computed("the last step"));

/// `[output]`'s keys.
pub const OUTPUT_KEYS: &[Key] = &[
    NAME,
    SIZE,
    Key::number(
        "fps",
        "frame rate",
        "Frames per second.",
        Range::from_to(limits::FPS.0, limits::FPS.1),
        15.0,
    ),
    STEPS,
    Key::number(
        "hold",
        "hold time in seconds",
        "Seconds the last frame is held before the animation loops.",
        Range::from_to(0.0, limits::MAX_HOLD),
        1.5,
    ),
    FORMATS_KEY,
    POSTER,
];

/// `[draw] charts`.
pub const CHARTS_KEY: Key = Key::new(
    "charts",
    Type::Choices(CHARTS),
    "chart",
    "Static charts besides the animation, each written as NAME.CHART.png and NAME.CHART.svg.",
)
.absent(Absent::Names(&["loss"]));

/// `[draw] panels`.
pub const PANELS_KEY: Key = Key::new(
    "panels",
    Type::Choice(PANELS),
    "panels value",
    "One plot, or small multiples: at most 16 panels, all on the same window and one step clock.",
)
.absent(Absent::Name("single"));

/// `[draw] sliders`.
pub const SLIDERS_KEY: Key = Key::new(
    "sliders",
    Type::SweptKeys,
    "slider",
    "Swept optimizer keys the player (NAME.html) turns into sliders: it shows the runs of the \
     chosen values only (runs whose entry does not sweep the key always show). The animation \
     and the stills show every run.",
)
.absent(Absent::Names(&[]));

/// `[draw] data_view`.
pub const DATA_VIEW_KEY: Key = Key::new(
    "data_view",
    Type::Bool { sweep: false },
    "flag",
    "A panel beside the (m, b) surface showing the data points and each run's current line \
     y = m·x + b in the run's colour, moving with the paths (linear_regression surfaces only).",
)
.absent(Absent::Bool(false));

/// The names `[draw] sliders` takes: every optimizer key that can be swept, each once, in the
/// order of the optimizer kinds and their keys.
pub fn slider_keys() -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for key in crate::optimizer::OPTIMIZER_KINDS
        .iter()
        .flat_map(|k| k.keys)
        .filter(|k| matches!(k.ty, Type::Number { sweep: true, .. }))
    {
        if !out.iter().any(|c| c.name == key.name) {
            out.push(Choice {
                name: key.name,
                doc: key.doc,
            });
        }
    }
    out
}

/// `[draw]`'s keys.
pub const DRAW_KEYS: &[Key] = &[
    Key::new(
        "levels",
        Type::Whole {
            range: Range::from_to(limits::LEVELS.0 as f64, limits::LEVELS.1 as f64),
            sweep: false,
        },
        "number of contour levels",
        "How many contour levels are drawn.",
    )
    .absent(Absent::Whole(16)),
    Key::new(
        "scale",
        Type::Choice(SCALES),
        "scale",
        "How contour levels are spaced.",
    )
    .absent(Absent::Name("auto")),
    CHARTS_KEY,
    Key::new(
        "overlays",
        Type::Choices(OVERLAYS),
        "overlay",
        "Teaching overlays drawn on every frame.",
    )
    .absent(Absent::Names(&[])),
    PANELS_KEY,
    Key::new(
        "aspect",
        Type::Choice(ASPECTS),
        "aspect",
        "How the window's units map to pixels.",
    )
    .absent(Absent::Name("equal")),
    Key::new(
        "font",
        Type::FontFile,
        "font file",
        "A font for the scene's text (TTF, OTF or TTC, relative to the scene file), e.g. one \
         with the CJK characters of a title or labels; the embedded DejaVu Sans draws what it \
         lacks.",
    ),
    SLIDERS_KEY,
    DATA_VIEW_KEY,
];

/// `[[start]]`'s keys.
pub const START_KEYS: &[Key] = &[Key::new(
    "at",
    Type::Position,
    "start point",
    "Where the runs start: [x, y], or a number x on a 1-D surface (a 1-D kind, or a formula in \
     x alone).",
)
.required("[2.5, -2.0]")];

/// `[surface] kind`: which built-in surface (see [`crate::surface::SURFACE_KINDS`]).
pub const SURFACE_KIND: Key = Key::new(
    "kind",
    Type::Text,
    "surface kind",
    "A built-in surface (not with `expr`); `render --list` shows them.",
);

/// `[surface] x` and `y`: the view window.
pub const WINDOW_KEYS: &[Key] = &[
    Key::new(
        "x",
        Type::Interval,
        "range",
        "The view window's x range [min, max].",
    )
    .absent(Absent::Computed(
        "the surface's own, grown to hold every start point",
    )),
    Key::new(
        "y",
        Type::Interval,
        "range",
        "The view window's y range [min, max].",
    )
    .absent(Absent::Computed(
        "the surface's own, grown to hold every start point",
    )),
];

/// `[[optimizer]] label`.
pub const LABEL: Key = Key::new(
    "label",
    Type::Text,
    "label",
    "The legend label; {key} placeholders are filled from the run's values: {kind}, {form}, \
     {start}, {run}, {schedule}, the entry's keys ({lr}, {beta}, ...), {batch}, \
     {shuffle_seed}, {noise.std} and {noise.seed}; a number takes a format, {lr:.3} (3 \
     decimals) or {lr:.2e} (scientific, 2 decimals); {{ and }} are literal braces.",
)
.absent(Absent::Computed(
    "the optimizer's name and the swept values, and the start point when there are several",
));

/// `[[optimizer]] kind`: which optimizer (see [`crate::optimizer::OPTIMIZER_KINDS`]).
pub const OPTIMIZER_KIND: Key = Key::new(
    "kind",
    Type::Text,
    "optimizer kind",
    "The optimizer; `render --list` shows them with their keys.",
)
.required("\"gd\"");

/// `[[optimizer]] form`: which of the kind's conventions.
pub const FORM: Key = Key::new(
    "form",
    Type::Text,
    "form",
    "Which convention of the update rule (momentum and nesterov).",
)
.absent(Absent::Computed("the kind's first form"));

/// `noise = { std = ..., seed = ... }`'s keys; both may be swept.
pub const NOISE_KEYS: &[Key] = &[
    Key::new(
        "std",
        Type::Number {
            range: Range::at_least(0.0),
            sweep: true,
        },
        "standard deviation",
        "N(0, std²) is added to each gradient component wherever the gradient is taken.",
    )
    .symbol("σ")
    .required("0.5"),
    Key::new(
        "seed",
        Type::Whole {
            range: Range::at_least(0.0),
            sweep: true,
        },
        "seed",
        "Runs with the same seed see the same noise sequence.",
    )
    .absent(Absent::Whole(0)),
];

/// `[[optimizer]] noise`.
pub const NOISE: Key = Key::new(
    "noise",
    Type::Table(NOISE_KEYS),
    "noise table",
    "Gaussian gradient noise, e.g. { std = 0.5, seed = 7 }.",
);

/// `[[optimizer]] schedule`.
pub const SCHEDULE: Key = Key::new(
    "schedule",
    Type::Schedule,
    "schedule",
    "A learning-rate schedule, torch's closed form: step k uses the rate after k calls of \
     scheduler.step(), e.g. { kind = \"cosine\", t_max = 100 }.",
)
.absent(Absent::Computed("the optimizer's lr at every step"))
.example("{ kind = \"step\", step_size = 30, gamma = 0.1 }");

/// `[[optimizer]] batch`: minibatches on surfaces made from data.
pub const BATCH: Key = Key::new(
    "batch",
    Type::Whole {
        range: Range::at_least(1.0),
        sweep: true,
    },
    "batch size",
    "Data points per step on a linear_regression surface: each epoch visits the points in a \
     shuffled order, and each step takes the mean-squared-error gradient of the next batch.",
)
.absent(Absent::Computed(
    "every data point: full-batch gradient descent",
))
.example("5");

/// `[[optimizer]] shuffle_seed`.
pub const SHUFFLE_SEED: Key = Key::new(
    "shuffle_seed",
    Type::Whole {
        range: Range::at_least(0.0),
        sweep: true,
    },
    "shuffle seed",
    "Seeds each epoch's shuffle of the data points (with `batch`): the same seed, the same \
     batches.",
)
.absent(Absent::Whole(0));

/// The keys every optimizer entry has, besides its kind's.
pub const OPTIMIZER_KEYS: &[Key] = &[
    LABEL,
    OPTIMIZER_KIND,
    FORM,
    NOISE,
    SCHEDULE,
    BATCH,
    SHUFFLE_SEED,
];
