//! Stage 4 of the pipeline: frames and trajectories become file bytes (GIF, PNG, CSV, the LaTeX
//! snippet). Writing them to disk is [`crate::output`]'s job.

pub mod csv;
pub mod gif;
pub mod lzw;
pub mod palette;
pub mod png;
pub mod tex;
