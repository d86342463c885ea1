package pipeline

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// CachePrefix starts every cache volume name of the module, so its volumes are
// recognisable in the engine and never collide with another module's.
const CachePrefix = "vllm-chill-"

// CacheName is the cache volume name for the given parts, e.g.
// CacheName("go-mod") = "vllm-chill-go-mod".
func CacheName(parts ...string) string {
	return CachePrefix + strings.Join(parts, "-")
}

var runIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// NewRunID returns a random run id for a call that was given none.
func NewRunID() string { return randomHex(6) }

// NewNonce returns a value that makes one cluster start or one test exec
// unlike any other. It is random, not the time: Dagger would replay a result
// whose inputs it has seen, and a random value is one it has not.
func NewNonce() string { return randomHex(8) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read %d random bytes: %v", n, err)) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// CheckRunID reports whether id can name cache volumes and services.
func CheckRunID(id string) error {
	if !runIDPattern.MatchString(id) {
		return fmt.Errorf("--run-id %q: want lower-case letters, digits and '-', starting with a letter or digit, at most 63 characters", id)
	}
	return nil
}
