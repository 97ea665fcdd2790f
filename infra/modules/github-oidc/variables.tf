variable "name" {
  description = "Name of the deploy role."
  type        = string
}

variable "subjects" {
  description = "GitHub OIDC subjects allowed to assume the role, for example repo:acme/api:environment:production."
  type        = list(string)

  validation {
    condition     = length(var.subjects) > 0 && alltrue([for subject in var.subjects : startswith(subject, "repo:")])
    error_message = "Give at least one subject, each starting with repo:<owner>/<name>:."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's token.actions.githubusercontent.com OIDC provider; false looks up the existing one (there is one per account)."
  type        = bool
  default     = true
}

variable "ecr_repository_arn" {
  description = "Repository the deploy pushes images to."
  type        = string
}

variable "cluster_arn" {
  description = "Cluster the migration task runs in."
  type        = string
}

variable "service_arn" {
  description = "Service the deploy updates."
  type        = string
}

variable "app_task_family" {
  description = "Task definition family of the app, which the deploy registers revisions in."
  type        = string
}

variable "migration_task_family" {
  description = "Task definition family of the migration task, the only one the deploy may run."
  type        = string
}

variable "pass_role_arns" {
  description = "Execution and task roles the deploy hands to ECS in new task definition revisions."
  type        = list(string)
}

variable "log_group_arn" {
  description = "Log group the deploy reads the migration output from."
  type        = string
}

variable "secret_arns" {
  description = "Secrets whose metadata the deploy checks (never their values) before rolling out."
  type        = list(string)
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state the deploy reads outputs from; null grants no state access."
  type        = string
  default     = null
}

variable "state_key" {
  description = "Object key of this environment's state in state_bucket."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
