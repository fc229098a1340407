package federation

// OpenTestDB is openTestDB for the external tests (package
// federation_test).
var OpenTestDB = openTestDB
