"""Uploads: a file of past measurements (POST /api/performance/upload/) into samples; the
Django app `uploads` (its Upload rows keep the table metrics_upload).

The request runs the bounded checks (upload_inspect) and queues the file; a worker reads
it batch by batch (upload_batches) in a background job (jobs.py), which stores each batch.

    upload_inspect(*, file) -> Inspection(format, compressed, identifier)
        raises UploadRejected (its .status: 400, 413 or 415), reading at most a few MB
    upload_collector(*, organization, collector_id, api_key, identifier) -> Collector
        raises Http404 (a collector of another organization, or not the key's own),
        IdentifierRefused / IdentifierInvalid (keys), ValidationError ({"collector": ...})
    upload_batches(*, file, format, compressed) -> Iterator[UploadBatch]   (in the worker)
    upload_delete(*, upload) -> None   (the record and its waiting file; stored samples stay)

The package, by concern:
    models         Upload (and UploadState): one file and what its job did
    apis, urls     POST /api/performance/upload/, GET /api/performance/uploads/[{uuid}/]
    jobs           the background job (upload_queue, upload_ingest_job)
    detection      the format, from the content (never the file name): FORMATS
    lines          reading line by line, gzip inflated as it is read, within the limits
    archive        a zip's directory checked before any member is read (zip safety)
    pcc_raw        the raw captures (pcc, perfcollector1), through the agent's parser
    portal         the portal's CSV
    pcprocess_zip  a zip of pcprocess's CSV tree
    processed      what the two processed formats share
    batch          what the readers yield: ticks, and the lines that stored nothing
    store          every write, one batch of ticks per transaction
    result         the counts the job records; errors: the refusals
    services       the functions above

Checked at once (upload_inspect): the size, the format (from the first non-blank line,
within DETECT_MAX_BYTES of content), a CSV's header, a zip's directory (paths, symlinks,
entry count, declared sizes and compression ratios) and its CSVs' headers. What only a
full read finds (bad lines, a gzip bomb's inflated size) is reported by the job.

Memory: the file is read line by line, a line at most MAX_LINE_BYTES; at most one batch of
ticks is held at a time (a raw capture's store.RAW_BATCH_TICKS, a processed file's
metrics.ingest.TICKS_PER_WRITE).
"""
