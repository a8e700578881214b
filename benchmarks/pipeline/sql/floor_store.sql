insert into raw.gacc_query_exports by name
select
    incoming.* exclude (filename, reason, raw_text),
    batch_files.source_file as _source_file,
    batch_files.content_hash as _content_hash,
    $at as _loaded_at
from incoming
inner join batch_files on incoming.filename = batch_files.filename
where incoming.reason is null;
insert into quarantine.rejected_rows
select batch_files.source_file, batch_files.content_hash, incoming._row_number,
    incoming.reason, incoming.raw_text, $at
from incoming
inner join batch_files on incoming.filename = batch_files.filename
where incoming.reason is not null;
insert into quarantine.rejected_rows
select batch_files.source_file, batch_files.content_hash, errors.line, errors.error_message,
    errors.csv_line, $at
from reject_errors as errors
inner join reject_scans as scans
    on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
inner join batch_files on scans.file_path = batch_files.filename;
insert into raw.landed_files
select
    batch_files.content_hash, batch_files.source_file,
    count(incoming.filename) filter (where incoming.reason is null),
    count(incoming.filename) filter (where incoming.reason is not null),
    $at
from batch_files
left join incoming on batch_files.filename = incoming.filename
group by all;
delete from reject_errors;
delete from reject_scans
