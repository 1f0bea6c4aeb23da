{{/* Names, labels and the served API, shared by every template. */}}

{{- define "aggregated-apiserver.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix, cut to 63 characters: it is also the Service's DNS label. */}}
{{- define "aggregated-apiserver.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aggregated-apiserver.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aggregated-apiserver.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aggregated-apiserver.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "aggregated-apiserver.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "aggregated-apiserver.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aggregated-apiserver.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aggregated-apiserver.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret holding tls.crt and tls.key, whichever way tls.type makes it. */}}
{{- define "aggregated-apiserver.tlsSecretName" -}}
{{- if eq .Values.tls.type "existingSecret" }}
{{- required "tls.existingSecret.name is required with tls.type=existingSecret" .Values.tls.existingSecret.name }}
{{- else }}
{{- printf "%s-serving-cert" (include "aggregated-apiserver.fullname" .) }}
{{- end }}
{{- end }}

{{/* The names the aggregator may dial: it verifies <service>.<namespace>.svc. */}}
{{- define "aggregated-apiserver.dnsNames" -}}
{{- $svc := printf "%s.%s.svc" (include "aggregated-apiserver.fullname" .) .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc .Values.tls.clusterDomain) | toJson }}
{{- end }}

{{/*
The served API as JSON, {"<group>": {"versions": [...], "resources": [...]}}: read from apiDefinitions
(served versions of each CustomResourceDefinition document), or the built-in wardle.example.com group.
*/}}
{{- define "aggregated-apiserver.served" -}}
{{- $groups := dict }}
{{- if .Values.apiDefinitions }}
{{- range $file, $content := .Values.apiDefinitions }}
{{- range $doc := splitList "\n---" $content }}
{{- $crd := fromYaml $doc }}
{{- if hasKey $crd "Error" }}
{{- fail (printf "apiDefinitions.%s: %s" $file $crd.Error) }}
{{- end }}
{{- if $crd.spec }}
{{- $group := required (printf "apiDefinitions.%s: spec.group is required" $file) $crd.spec.group }}
{{- $plural := required (printf "apiDefinitions.%s: spec.names.plural is required" $file) ($crd.spec.names).plural }}
{{- $entry := get $groups $group | default (dict "versions" (list) "resources" (list)) }}
{{- $versions := $entry.versions }}
{{- range $v := $crd.spec.versions }}
{{- if ne (toString $v.served) "false" }}
{{- $versions = append $versions $v.name }}
{{- end }}
{{- end }}
{{- $_ := set $groups $group (dict "versions" ($versions | uniq | sortAlpha) "resources" (append $entry.resources $plural | uniq | sortAlpha)) }}
{{- end }}
{{- end }}
{{- end }}
{{- else }}
{{- $_ := set $groups "wardle.example.com" (dict "versions" (list "v1alpha1" "v1beta1") "resources" (list "fischers" "flunders")) }}
{{- end }}
{{- toJson $groups }}
{{- end }}
