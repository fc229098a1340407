//go:build !linux || !cgo

package main

func releaseCMemory() {}
