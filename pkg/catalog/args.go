package catalog

import (
	"strconv"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// Args renders a spec as vLLM OpenAI server flags. Only set fields become
// flags (empty strings, zero numbers and false booleans are left out, so
// vLLM's own defaults apply) and booleans are bare flags.
//
// The order is fixed so output can be compared and logged: the spec's field
// order, except the two parsers, which come last (--tool-call-parser only
// makes sense next to --enable-auto-tool-choice):
//
//	--model --served-model-name --max-model-len --gpu-memory-utilization
//	--enable-chunked-prefill --max-num-batched-tokens --max-num-seqs --dtype
//	--disable-custom-all-reduce --enable-prefix-caching
//	--enable-auto-tool-choice --tool-call-parser --reasoning-parser
func Args(s v1alpha1.VLLMModelSpec) []string {
	var a []string
	str := func(flag, v string) {
		if v != "" {
			a = append(a, flag, v)
		}
	}
	num := func(flag string, v int64) {
		if v != 0 {
			a = append(a, flag, strconv.FormatInt(v, 10))
		}
	}
	flag := func(flag string, on bool) {
		if on {
			a = append(a, flag)
		}
	}
	str("--model", s.ModelName)
	str("--served-model-name", s.ServedModelName)
	num("--max-model-len", s.MaxModelLen)
	if s.GPUMemoryUtilization != 0 {
		// Shortest form that reads back to the same float: 0.91, not 0.910000.
		a = append(a, "--gpu-memory-utilization", strconv.FormatFloat(s.GPUMemoryUtilization, 'f', -1, 64))
	}
	flag("--enable-chunked-prefill", s.EnableChunkedPrefill)
	num("--max-num-batched-tokens", s.MaxNumBatchedTokens)
	num("--max-num-seqs", s.MaxNumSeqs)
	str("--dtype", s.Dtype)
	flag("--disable-custom-all-reduce", s.DisableCustomAllReduce)
	flag("--enable-prefix-caching", s.EnablePrefixCaching)
	flag("--enable-auto-tool-choice", s.EnableAutoToolChoice)
	str("--tool-call-parser", s.ToolCallParser)
	str("--reasoning-parser", s.ReasoningParser)
	return a
}
