variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones to use in the region; at least two."
  type        = list(string)
}

variable "project" {
  description = "Short name prefixed to every resource (with the environment: <project>-staging)."
  type        = string
  default     = "api"
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS; null runs the load balancer in HTTP-only mode."
  type        = string
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 ranges that may reach the load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_access_logs_retention_days" {
  description = "Days load balancer access logs are kept in the environment's encrypted log bucket; 0 turns them off."
  type        = number
  default     = 30
}

variable "image_tag" {
  description = "Image tag Terraform's task definition revisions start with; deploys roll out newer tags without Terraform."
  type        = string
  default     = "initial"
}

variable "app_command" {
  description = "Command of the app container; null keeps the image's CMD."
  type        = list(string)
  default     = null
}

variable "migration_command" {
  description = "Command of the migration task."
  type        = list(string)
  default     = ["python", "-m", "services.api.manage", "db", "upgrade"]
}

variable "task_cpu" {
  description = "CPU units of a task (1024 = 1 vCPU)."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Memory of a task in MiB."
  type        = number
  default     = 1024
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "min_capacity" {
  description = "Fewest running tasks."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Most running tasks."
  type        = number
  default     = 2
}

variable "log_retention_days" {
  description = "Days to keep container and VPC flow logs."
  type        = number
  default     = 30
}

variable "app_environment" {
  description = "Extra plain (non-secret) environment variables of the containers, for example LOG_LEVEL."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 20
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups."
  type        = number
  default     = 7
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the environment's alarm topic (each confirms by a link AWS sends); empty subscribes nobody."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows, in the GitHub environment named staging, may deploy; null creates no deploy role."
  type        = string
  default     = null
}

variable "create_github_oidc_provider" {
  description = "Create the account-wide GitHub OIDC provider; false when it already exists in the account."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "The state bucket given to terraform init, so the deploy role may read this environment's outputs; null grants no access."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}

variable "teardown" {
  description = "true only to destroy the environment (README, Destroying an environment): lifts deletion protection and names each final database snapshot with the time."
  type        = bool
  default     = false
}
