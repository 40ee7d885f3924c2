//! Files for organizers reports: region counts CSV, attempt list, item analysis. (in progress)
