//! Participation statistics and item analysis. (in progress)
