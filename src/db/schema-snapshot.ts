// A plain-text description of the public schema, compared in tests with the committed
// snapshot so that a change made outside the numbered migrations is caught.
import type pg from 'pg';

export async function describeSchema(db: pg.Pool | pg.Client): Promise<string> {
  const q = async (text: string) => (await db.query(text)).rows.map((r) => Object.values(r).join(' | '));
  const parts = [
    '## columns',
    ...(await q(`SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
                 FROM information_schema.columns WHERE table_schema = 'public'
                 ORDER BY table_name, column_name`)),
    '## constraints',
    ...(await q(`SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                 FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`)),
    '## indexes',
    ...(await q(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`)),
    '## functions',
    ...(await q(`SELECT p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)
                 FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                 ORDER BY 1, 2`)),
    '## views',
    ...(await q(`SELECT viewname, md5(definition) FROM pg_views WHERE schemaname = 'public' ORDER BY 1`)),
  ];
  return parts.join('\n') + '\n';
}
