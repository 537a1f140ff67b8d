// Placeholder: replaced by the infra work (starts native Kafka + FerretDB when env is unset).
export default function globalSetup(): void {}
