module github.com/commonplace-hub/commonplace

go 1.26.0

require (
	github.com/alexedwards/argon2id v1.0.0 // indirect
	github.com/teambition/rrule-go v1.8.2 // indirect
	golang.org/x/crypto v0.14.0 // indirect
	golang.org/x/sys v0.13.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
