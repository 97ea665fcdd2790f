output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Database the app uses."
  value       = aws_db_instance.this.db_name
}

output "resource_id" {
  description = "DbiResourceId of the instance, which the rds-db:connect ARNs of its IAM database users name."
  value       = aws_db_instance.this.resource_id
}

output "username" {
  description = "Master user; only the roles task logs in as it (the app and migrations use their own roles)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN (not the value) of the RDS-managed secret holding the master password as JSON {username, password}."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "identifier" {
  description = "Identifier of the instance, the DBInstanceIdentifier dimension of its metrics."
  value       = aws_db_instance.this.identifier
}

output "security_group_id" {
  description = "Security group of the instance."
  value       = aws_security_group.this.id
}

output "multi_az" {
  description = "Whether the instance keeps a standby in a second AZ."
  value       = aws_db_instance.this.multi_az
}

output "deletion_protection" {
  description = "Whether the instance refuses deletion."
  value       = aws_db_instance.this.deletion_protection
}

output "publicly_accessible" {
  description = "Whether the instance has a public address (always false)."
  value       = aws_db_instance.this.publicly_accessible
}

output "storage_encrypted" {
  description = "Whether storage is encrypted (always true)."
  value       = aws_db_instance.this.storage_encrypted
}

output "final_snapshot_identifier" {
  description = "Name of the snapshot RDS takes when the instance is deleted."
  value       = aws_db_instance.this.final_snapshot_identifier
}
