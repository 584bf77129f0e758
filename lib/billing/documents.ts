/**
 * Invoice documents: PDF (pdfkit, a maintained PDF library) and CSV. Both are built from the
 * price-only invoice shape (PortalInvoice), so the same document goes to admins and tenants and
 * can never carry cost or margin.
 */
import PDFDocument from 'pdfkit';
import { dec, formatMoney } from '@/lib/pricing/money';
import { toCsv } from './csv';
import { formatQuantity } from './invoice-math';
import type { PortalInvoice } from './portal';

export const INVOICE_CSV_HEADER = [
  'invoice_number',
  'period',
  'status',
  'currency',
  'line_no',
  'kind',
  'model_id',
  'description',
  'unit',
  'quantity',
  'unit_price',
  'amount',
] as const;

/** One row per line; the amount column sums to the invoice total. */
export function invoiceToCsv(inv: PortalInvoice): string {
  return toCsv(
    INVOICE_CSV_HEADER,
    inv.lines.map((l) => [
      inv.invoiceNumber,
      inv.period,
      inv.status,
      inv.currency,
      l.lineNo,
      l.kind,
      l.modelId,
      l.description,
      l.unit,
      l.quantity,
      l.unitPrice,
      l.amount,
    ]),
  );
}

export function invoiceFileName(inv: PortalInvoice, ext: 'pdf' | 'csv'): string {
  return `${inv.invoiceNumber ?? `draft-${inv.id}`}.${ext}`;
}

const neg = (s: string) => (dec(s).isZero() ? '0' : dec(s).negated().toFixed());
const dateOnly = (iso: string | null) => (iso ? iso.slice(0, 10) : '-');

export interface PdfSeller {
  name: string;
  lines: string[];
}

const DEFAULT_SELLER: PdfSeller = { name: 'RADIANT', lines: ['AI model gateway', 'billing@radiant.dev'] };

/** A clean one-document invoice: header, seller and customer, period and number, lines, totals. */
export async function renderInvoicePdf(inv: PortalInvoice, seller: PdfSeller = DEFAULT_SELLER): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${inv.invoiceNumber ?? ''}`.trim(), Author: seller.name, Subject: `Invoice for ${inv.period}` },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const cur = inv.currency;
  const left = 50;
  const right = doc.page.width - 50;
  const width = right - left;

  // Header
  doc.font('Helvetica-Bold').fontSize(22).fillColor('#111827').text(seller.name, left, 50);
  doc.font('Helvetica').fontSize(9).fillColor('#6b7280');
  for (const l of seller.lines) doc.text(l);
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#111827').text('INVOICE', left, 50, { width, align: 'right' });
  doc.font('Helvetica').fontSize(10).fillColor('#374151');
  const meta: [string, string][] = [
    ['Number', inv.invoiceNumber ?? '(draft)'],
    ['Status', inv.status.toUpperCase()],
    ['Issued', dateOnly(inv.issuedAt)],
    ['Due', dateOnly(inv.dueAt)],
    ['Period', `${inv.periodStart} to ${inv.periodEnd}`],
  ];
  let y = 78;
  for (const [k, v] of meta) {
    doc.text(`${k}: ${v}`, left, y, { width, align: 'right' });
    y += 14;
  }

  // Bill to
  y = Math.max(y, doc.y) + 16;
  doc.font('Helvetica-Bold').fontSize(10).fillColor('#111827').text('Bill to', left, y);
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#374151')
    .text(inv.billTo.name, left, y + 14);
  if (inv.billTo.email) doc.text(inv.billTo.email);
  if (inv.replacesInvoiceNumber) doc.fillColor('#b45309').text(`Replaces invoice ${inv.replacesInvoiceNumber}`);
  if (inv.status === 'void') {
    doc
      .fillColor('#b91c1c')
      .text(`VOID${inv.voidReason ? `: ${inv.voidReason}` : ''}${inv.replacedByInvoiceNumber ? ` (replaced by ${inv.replacedByInvoiceNumber})` : ''}`);
  }

  // Lines
  const cols = { no: left, desc: left + 24, qty: left + 270, unit: left + 350, amount: left + 420 };
  const colWidth = { desc: 240, qty: 75, unit: 65, amount: width - 420 };
  y = doc.y + 20;
  const header = () => {
    doc.rect(left, y - 4, width, 18).fill('#f3f4f6');
    doc.fillColor('#111827').font('Helvetica-Bold').fontSize(9);
    doc.text('#', cols.no, y, { width: 20 });
    doc.text('Description', cols.desc, y, { width: colWidth.desc });
    doc.text('Quantity', cols.qty, y, { width: colWidth.qty, align: 'right' });
    doc.text('Unit price', cols.unit, y, { width: colWidth.unit, align: 'right' });
    doc.text('Amount', cols.amount, y, { width: colWidth.amount, align: 'right' });
    y += 20;
    doc.font('Helvetica').fontSize(9).fillColor('#374151');
  };
  header();
  for (const l of inv.lines) {
    const qty = l.kind === 'usage' || l.kind === 'free_tier_credit' ? `${formatQuantity(l.quantity)}${l.unit ? ` ${l.unit}` : ''}` : '';
    // Per-token prices read better per million tokens (as the price lists show them).
    const unitPrice =
      l.kind !== 'usage'
        ? ''
        : l.unit === 'tokens'
          ? `${formatMoney(dec(l.unitPrice).times(1_000_000).toDecimalPlaces(4), cur)}/1M`
          : formatMoney(l.unitPrice, cur);
    const h = Math.max(doc.heightOfString(l.description, { width: colWidth.desc }), doc.heightOfString(qty, { width: colWidth.qty }), 11);
    if (y + h > doc.page.height - 140) {
      doc.addPage();
      y = 50;
      header();
    }
    doc.text(String(l.lineNo), cols.no, y, { width: 20 });
    doc.text(l.description, cols.desc, y, { width: colWidth.desc });
    doc.text(qty, cols.qty, y, { width: colWidth.qty, align: 'right' });
    doc.text(unitPrice, cols.unit, y, { width: colWidth.unit, align: 'right' });
    doc.text(formatMoney(l.amount, cur), cols.amount, y, { width: colWidth.amount, align: 'right' });
    y += h + 6;
    doc
      .moveTo(left, y - 3)
      .lineTo(right, y - 3)
      .strokeColor('#e5e7eb')
      .lineWidth(0.5)
      .stroke();
  }

  // Totals
  if (y > doc.page.height - 160) {
    doc.addPage();
    y = 50;
  }
  y += 8;
  const totals: [string, string, boolean][] = [
    ['Subtotal', formatMoney(inv.subtotal, cur), false],
    ['Free tier credit', formatMoney(neg(inv.freeTierCredit), cur), false],
    [`Volume discount (${dec(inv.discountPercent).toFixed()}%)`, formatMoney(neg(inv.discountAmount), cur), false],
    [`Tax (${dec(inv.taxRatePercent).toFixed()}%)`, formatMoney(inv.taxAmount, cur), false],
    ['Total', formatMoney(inv.total, cur), true],
  ];
  for (const [k, v, bold] of totals) {
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(bold ? 11 : 10)
      .fillColor('#111827');
    doc.text(k, left + 250, y, { width: 170, align: 'right' });
    doc.text(v, cols.amount, y, { width: colWidth.amount, align: 'right' });
    y += bold ? 18 : 15;
  }

  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#6b7280')
    .text(
      'Each line is the exact sum of the metered prices of your usage, rounded to the cent once (half-even). ' +
        'The free tier is credited first, the volume discount applies to the remainder, tax to the discounted amount. ' +
        'The total is the sum of the lines.',
      left,
      Math.max(y + 24, doc.page.height - 110),
      { width },
    );
  doc.end();
  return done;
}
