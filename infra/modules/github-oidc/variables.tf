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
