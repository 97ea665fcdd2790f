# Valkey in the private subnets, shared by the environment's services for their rate-limit
# counters, so a limit holds across tasks, workers and deploys. TLS is required and clients
# authenticate with a token that scripts/init-secrets.sh sets, so it is in no Terraform state;
# the services get the whole connection URI as a secret.
resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-rate-limits"
  description = "Rate-limit store of ${var.name}: reachable only from the services' tasks"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-rate-limits" })
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Rate-limit counters of ${var.name}"
  engine               = "valkey"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = var.port
  num_cache_clusters   = var.nodes
  parameter_group_name = var.parameter_group_name

  # With a replica in another AZ, a failed primary fails over instead of losing the limits.
  automatic_failover_enabled = var.nodes > 1
  multi_az_enabled           = var.nodes > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"

  # Counters live for a rate-limit window: nothing worth a backup.
  snapshot_retention_limit   = 0
  auto_minor_version_upgrade = true
  maintenance_window         = "sun:05:30-sun:06:30"
  apply_immediately          = true

  tags = var.tags

  # scripts/init-secrets.sh sets the AUTH token with the ElastiCache API; Terraform never knows it.
  lifecycle {
    ignore_changes = [auth_token, auth_token_update_strategy]
  }
}

resource "aws_secretsmanager_secret" "uri" {
  name                    = "${var.name}/rate-limit-storage-uri"
  description             = "RATE_LIMIT_STORAGE_URI of ${var.name}: rediss://:<token>@<primary endpoint>:${var.port}/0"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days

  tags = var.tags
}
