variable "name" {
  description = "Identifier of the instance and prefix of its other resources."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, in at least two availability zones, for the instance."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "The only security group allowed to connect on the PostgreSQL port (the service's)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage, the managed master secret and Performance Insights."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version; a major version alone (\"16\") takes RDS's default minor and lets minor upgrades apply."
  type        = string
  default     = "16"
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version's major version."
  type        = string
  default     = "postgres16"
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper bound in GiB for storage autoscaling."
  type        = number
  default     = 100
}

variable "database_name" {
  description = "Database created at launch, which the app uses."
  type        = string
  default     = "app"
}

variable "master_username" {
  description = "Master user; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "app"
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (the final snapshot is taken either way)."
  type        = bool
  default     = true
}

variable "final_snapshot_suffix" {
  description = "The final snapshot, taken whenever the instance is deleted, is <name>-<suffix>; give a timestamped suffix before a teardown so the name is unique and says when."
  type        = string
  default     = "final"

  validation {
    condition     = can(regex("^[a-z0-9]+(-[a-z0-9]+)*$", var.final_snapshot_suffix))
    error_message = "Use lower-case letters, digits and single dashes."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window), 1-35."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "Backups must be kept 1 to 35 days."
  }
}

variable "performance_insights_retention_days" {
  description = "Days of Performance Insights history (7 is the free tier)."
  type        = number
  default     = 7
}

variable "monitoring_interval" {
  description = "Seconds between Enhanced Monitoring samples (0 turns it off)."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Days to keep the PostgreSQL and upgrade logs exported to CloudWatch."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
