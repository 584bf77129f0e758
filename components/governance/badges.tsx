import { Badge, StatusBadge, type BadgeTone } from '../ui/badge';

const RISK_TONE: Record<string, BadgeTone> = { low: 'neutral', medium: 'info', high: 'warning', critical: 'danger' };

export function RiskBadge({ risk }: { risk: string }) {
  return <Badge tone={RISK_TONE[risk] ?? 'neutral'}>{risk} risk</Badge>;
}

export function ApprovalStatusBadge({ status }: { status: string }) {
  return <StatusBadge status={status} />;
}

export function RoleBadge({ role }: { role: string }) {
  const tone: BadgeTone = role === 'super_admin' ? 'purple' : role === 'admin' ? 'brand' : role === 'auditor' ? 'info' : 'neutral';
  return <Badge tone={tone}>{role.replace(/_/g, ' ')}</Badge>;
}
