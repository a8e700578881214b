create schema if not exists raw;
create schema if not exists quarantine;
create schema if not exists reference;
create schema if not exists marts;
create table raw.gacc_query_exports ({columns},
    _source_file varchar not null,
    _content_hash varchar not null,
    _row_number integer not null,
    _loaded_at timestamp not null
);
create table raw.landed_files (
    content_hash varchar primary key,
    source_file varchar not null,
    rows_landed integer not null,
    rows_rejected integer not null,
    landed_at timestamp not null
);
create table quarantine.rejected_rows (
    source_file varchar not null,
    content_hash varchar not null,
    row_number integer not null,
    reason varchar not null,
    raw_text varchar,
    rejected_at timestamp not null
);
create table reference.products as
    select * from read_csv('{products}', header = true, all_varchar = true);
create table reference.partner_names as
    select * from read_csv('{partners}', header = true, all_varchar = true);
create table reference.unit_value_bounds (product_group varchar, low double, high double);
create table reference.kg_per_unit (unit varchar, kg double);
insert into reference.kg_per_unit values
    ('千克', 1), ('kg', 1), ('克', 0.001), ('g', 0.001), ('吨', 1000), ('t', 1000);
