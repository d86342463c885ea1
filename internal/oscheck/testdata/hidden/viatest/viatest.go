// Package viatest is clean; its test is not.
package viatest

const Name = "viatest"
