export { cn } from './cn';
export { Button, buttonClasses, type ButtonProps, type ButtonVariant } from './button';
export { Card, CardHeader, CardBody } from './card';
export { Badge, StatusBadge, statusTone, type BadgeTone } from './badge';
export { Spinner, Skeleton, PageSkeleton, EmptyState, Alert, ProgressBar } from './feedback';
export { Money } from './money';
export { PageHeader, Stat, StatGrid, DescriptionList } from './page';
export * from './format';
