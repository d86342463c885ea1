package pipeline

import (
	"fmt"
	"regexp"
	"strings"
)

// K3sRepository is the image repository versions are expanded against.
const K3sRepository = "rancher/k3s"

// MatrixEntry is one Kubernetes version of a test matrix.
type MatrixEntry struct {
	// Version is the argument as given, for messages.
	Version string
	// Image is the k3s image that runs this version.
	Image string
	// Name is safe as a directory and cache-volume name part (the image tag).
	Name string
}

// A full release, optionally with its k3s revision in either spelling:
// v1.37.2, 1.37.2, v1.37.2+k3s1, v1.37.2-k3s2.
var versionPattern = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(?:[+-](k3s\d+))?$`)
var minorOnlyPattern = regexp.MustCompile(`^v?\d+\.\d+$`)
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// K3sImageFor maps a Kubernetes version to a k3s image. A version without a k3s
// revision gets "k3s1", the first build of every release; anything containing
// ':' or '/' is taken as an image reference and returned unchanged. A bare minor
// ("1.36") is refused: tags name patch releases, and which patch exists cannot be
// looked up without a registry.
func K3sImageFor(version string) (string, error) {
	v := strings.TrimSpace(version)
	if strings.ContainsAny(v, ":/") {
		return v, nil
	}
	if minorOnlyPattern.MatchString(v) {
		return "", fmt.Errorf("kubernetes version %q: give a patch release such as v1.37.2 (k3s tags name patch releases)", version)
	}
	m := versionPattern.FindStringSubmatch(v)
	if m == nil {
		return "", fmt.Errorf("kubernetes version %q: want vMAJOR.MINOR.PATCH[+k3sN] or a full image reference", version)
	}
	rev := m[4]
	if rev == "" {
		rev = "k3s1"
	}
	// Image tags cannot contain '+', so k3s publishes v1.37.2+k3s1 as v1.37.2-k3s1.
	return fmt.Sprintf("%s:v%s.%s.%s-%s", K3sRepository, m[1], m[2], m[3], rev), nil
}

// ExpandMatrix turns a list of versions into matrix entries, in the order given,
// dropping duplicates (two spellings of one image count once). An empty list is
// an error, since a matrix that tests nothing would pass silently.
func ExpandMatrix(versions []string) ([]MatrixEntry, error) {
	var out []MatrixEntry
	seen := map[string]bool{}
	var errs []string
	for _, v := range versions {
		if strings.TrimSpace(v) == "" {
			continue
		}
		image, err := K3sImageFor(v)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if seen[image] {
			continue
		}
		seen[image] = true
		out = append(out, MatrixEntry{Version: v, Image: image, Name: imageName(image)})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("expand matrix: %s", strings.Join(errs, "; "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("expand matrix: no kubernetes versions given")
	}
	return out, nil
}

// imageName is the tag of image (or the whole reference when it has no tag),
// with anything unsafe in a path replaced by '_'.
func imageName(image string) string {
	name := image
	if i := strings.LastIndex(image, ":"); i >= 0 && !strings.Contains(image[i:], "/") {
		name = image[i+1:]
	}
	return unsafeName.ReplaceAllString(name, "_")
}
