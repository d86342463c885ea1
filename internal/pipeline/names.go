package pipeline

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
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

// NewRunID returns a random run id. Each run of the module gets one, so two
// runs (even of the same source) never share a cluster.
func NewRunID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read random run id: %v", err)) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// CheckRunID reports whether id can name cache volumes and services.
func CheckRunID(id string) error {
	if !runIDPattern.MatchString(id) {
		return fmt.Errorf("run id %q: want lower-case letters, digits and '-', at most 63 characters", id)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
