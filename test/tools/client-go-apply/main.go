// Command client-go-apply server-side applies a v1alpha1 Flunder twice with client-go's dynamic client, as a
// controller would, then tries a second field manager without force, and prints what the server answered
// as one JSON object: {"created": ..., "changed": ..., "conflict": {"isConflict": ..., "message": ...}}.
//
// Usage: client-go-apply KUBECONFIG NAMESPACE NAME
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

var flunders = schema.GroupVersionResource{Group: "wardle.example.com", Version: "v1alpha1", Resource: "flunders"}

func flunder(namespace, name string, labels map[string]any, reference string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "wardle.example.com/v1alpha1",
		"kind":       "Flunder",
		"metadata":   map[string]any{"name": name, "namespace": namespace, "labels": labels},
		"spec":       map[string]any{"reference": reference, "referenceType": "Flunder"},
	}}
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: client-go-apply KUBECONFIG NAMESPACE NAME")
		os.Exit(2)
	}
	kubeconfig, namespace, name := os.Args[1], os.Args[2], os.Args[3]
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		fail("kubeconfig", err)
	}
	client := dynamic.NewForConfigOrDie(config).Resource(flunders).Namespace(namespace)
	ctx := context.Background()
	options := metav1.ApplyOptions{FieldManager: "client-go-test", Force: false}

	created, err := client.Apply(ctx, name, flunder(namespace, name, map[string]any{"keep": "yes", "drop": "yes"}, "first"), options)
	if err != nil {
		fail("first apply", err)
	}
	// The second configuration no longer has the "drop" label: the manager owned it alone, so it goes.
	changed, err := client.Apply(ctx, name, flunder(namespace, name, map[string]any{"keep": "yes"}, "second"), options)
	if err != nil {
		fail("second apply", err)
	}
	_, err = client.Apply(ctx, name, flunder(namespace, name, map[string]any{"keep": "yes"}, "third"),
		metav1.ApplyOptions{FieldManager: "client-go-other", Force: false})
	conflict := map[string]any{"isConflict": apierrors.IsConflict(err)}
	if err != nil {
		conflict["message"] = err.Error()
	}

	out, err := json.Marshal(map[string]any{"created": created.Object, "changed": changed.Object, "conflict": conflict})
	if err != nil {
		fail("marshal", err)
	}
	fmt.Println(string(out))
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
	os.Exit(1)
}
