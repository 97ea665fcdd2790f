output "replication_group_id" {
  description = "Replication group whose AUTH token scripts/init-secrets.sh sets."
  value       = aws_elasticache_replication_group.this.id
}

output "primary_endpoint" {
  description = "Host name of the primary node (what RATE_LIMIT_STORAGE_URI connects to)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Port of the store."
  value       = aws_elasticache_replication_group.this.port
}

output "security_group_id" {
  description = "Security group of the nodes; each service adds an ingress rule from its tasks."
  value       = aws_security_group.this.id
}

output "uri_secret_arn" {
  description = "ARN of the RATE_LIMIT_STORAGE_URI secret (scripts/init-secrets.sh fills it)."
  value       = aws_secretsmanager_secret.uri.arn
}

output "transit_encryption_mode" {
  description = "required: the store refuses connections without TLS."
  value       = aws_elasticache_replication_group.this.transit_encryption_mode
}
