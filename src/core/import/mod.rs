//! Importing question banks from organizers files (CSV, XLSX, JSON, GIFT, Aiken). (in progress)
