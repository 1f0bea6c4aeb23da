{{/* The server's pod template and replica count, shared by the StatefulSet (leveldb) and the Deployment (etcd). */}}

{{/*
Replicas: the value, or 1 with leveldb and 3 with etcd when unset. LevelDB has a single writer; the
schema refuses more than 1 too, this is for installs that skip schema validation.
*/}}
{{- define "aggregated-apiserver.replicas" -}}
{{- $etcd := eq .Values.storage.backend "etcd" }}
{{- $replicas := ternary (ternary 3 1 $etcd) .Values.replicas (kindIs "invalid" .Values.replicas) | int }}
{{- if and (not $etcd) (gt $replicas 1) }}
{{- fail "replicas must be 1 with storage.backend=leveldb: LevelDB has a single writer (use storage.backend=etcd for several replicas)" }}
{{- end }}
{{- $replicas }}
{{- end }}

{{/* The etcd flags; the servers are joined with commas, as --etcd-servers takes them. */}}
{{- define "aggregated-apiserver.etcdArgs" -}}
{{- $etcd := .Values.storage.etcd }}
{{- if not $etcd.servers }}
{{- fail "storage.etcd.servers is required with storage.backend=etcd" }}
{{- end -}}
- --storage-backend=etcd3
- --etcd-servers={{ join "," $etcd.servers }}
- --etcd-prefix={{ $etcd.prefix }}
{{- if $etcd.tls.secretName }}
- --etcd-cafile=/etc/aggregated-apiserver/etcd-client/ca.crt
- --etcd-certfile=/etc/aggregated-apiserver/etcd-client/tls.crt
- --etcd-keyfile=/etc/aggregated-apiserver/etcd-client/tls.key
{{- end }}
- --etcd-compaction-interval={{ $etcd.compactionInterval }}
{{- end }}

{{/*
Scheduling with etcd, unless affinity or topologySpreadConstraints are set: replicas prefer distinct
nodes and spread over zones, but are never left Pending for it (a one-node or one-zone cluster still
runs them all).
*/}}
{{- define "aggregated-apiserver.affinity" -}}
{{- if .Values.affinity }}
{{- toYaml .Values.affinity }}
{{- else if eq .Values.storage.backend "etcd" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "aggregated-apiserver.selectorLabels" . | nindent 12 }}
{{- end }}
{{- end }}

{{- define "aggregated-apiserver.topologySpreadConstraints" -}}
{{- if .Values.topologySpreadConstraints }}
{{- toYaml .Values.topologySpreadConstraints }}
{{- else if eq .Values.storage.backend "etcd" -}}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "aggregated-apiserver.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "aggregated-apiserver.podTemplate" -}}
{{- $leveldb := eq .Values.storage.backend "leveldb" }}
{{- $etcdTLS := and (not $leveldb) .Values.storage.etcd.tls.secretName -}}
metadata:
  labels:
    {{- include "aggregated-apiserver.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- /* Roll the pods when the API they serve changes. */}}
    checksum/api-definitions: {{ toJson .Values.apiDefinitions | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "aggregated-apiserver.serviceAccountName" . }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: aggregated-apiserver
      image: {{ include "aggregated-apiserver.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- /* The image's entrypoint is `node dist/main.js`; these are the subcommand and its flags. */}}
      args:
        - serve
        - --secure-port={{ .Values.containerPort }}
        - --tls-cert-file=/etc/aggregated-apiserver/serving-cert/tls.crt
        - --tls-private-key-file=/etc/aggregated-apiserver/serving-cert/tls.key
        {{- if $leveldb }}
        - --storage-backend=leveldb
        - --data-dir=/var/lib/aggregated-apiserver
        {{- else }}
        {{- include "aggregated-apiserver.etcdArgs" . | nindent 8 }}
        {{- end }}
        {{- if .Values.apiDefinitions }}
        - --api-definitions=/etc/aggregated-apiserver/api-definitions
        {{- end }}
        {{- range .Values.args }}
        - {{ . | quote }}
        {{- end }}
      {{- with .Values.env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: https
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
      startupProbe:
        {{- toYaml .Values.startupProbe | nindent 8 }}
      livenessProbe:
        {{- toYaml .Values.livenessProbe | nindent 8 }}
      readinessProbe:
        {{- toYaml .Values.readinessProbe | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        {{- if $leveldb }}
        - name: data
          mountPath: /var/lib/aggregated-apiserver
        {{- end }}
        - name: tmp
          mountPath: /tmp
        - name: serving-cert
          mountPath: /etc/aggregated-apiserver/serving-cert
          readOnly: true
        {{- if $etcdTLS }}
        - name: etcd-client
          mountPath: /etc/aggregated-apiserver/etcd-client
          readOnly: true
        {{- end }}
        {{- if .Values.apiDefinitions }}
        - name: api-definitions
          mountPath: /etc/aggregated-apiserver/api-definitions
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpVolumeSizeLimit }}
    - name: serving-cert
      secret:
        secretName: {{ include "aggregated-apiserver.tlsSecretName" . }}
    {{- if $etcdTLS }}
    - name: etcd-client
      secret:
        secretName: {{ $etcdTLS }}
    {{- end }}
    {{- if .Values.apiDefinitions }}
    - name: api-definitions
      configMap:
        name: {{ include "aggregated-apiserver.fullname" . }}-api-definitions
    {{- end }}
    {{- if and $leveldb (not .Values.storage.persistence.enabled) }}
    - name: data
      emptyDir: {}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with include "aggregated-apiserver.affinity" . }}
  affinity:
    {{- . | nindent 4 }}
  {{- end }}
  {{- with include "aggregated-apiserver.topologySpreadConstraints" . }}
  topologySpreadConstraints:
    {{- . | nindent 4 }}
  {{- end }}
{{- end }}
