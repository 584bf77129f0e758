/** The PDF and CSV links of one invoice in a list; `base` is the API that serves the audience
 * (/api/admin/invoices or /api/portal/invoices). */
export function InvoiceDownloadLinks({ base, id, invoiceNumber }: { base: string; id: string; invoiceNumber: string | null }) {
  return (
    <span className="flex gap-2 text-xs">
      {(['pdf', 'csv'] as const).map((ext) => (
        <a
          key={ext}
          className="text-brand-700 underline"
          href={`${base}/${id}.${ext}`}
          aria-label={`Download ${invoiceNumber ?? 'invoice'} as ${ext.toUpperCase()}`}
        >
          {ext.toUpperCase()}
        </a>
      ))}
    </span>
  );
}
