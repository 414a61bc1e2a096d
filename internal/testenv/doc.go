// Package testenv holds helpers shared by Interlend's tests: finding the
// repository and its standards files, requiring outside tools (skipped on a
// user's machine, fatal in CI), and checking XML against XSD schemas.
package testenv
