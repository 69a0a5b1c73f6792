export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      admin_actions: {
        Row: {
          action: Database["public"]["Enums"]["admin_action"]
          admin_id: string | null
          category_id: number | null
          created_at: string
          details: NonNullable<Json>
          gig_id: string | null
          id: number
          reason: string | null
          seller_id: string | null
        }
        Insert: {
          action: Database["public"]["Enums"]["admin_action"]
          admin_id?: string | null
          category_id?: number | null
          created_at?: string
          details?: NonNullable<Json>
          gig_id?: string | null
          id?: never
          reason?: string | null
          seller_id?: string | null
        }
        Update: {
          action?: Database["public"]["Enums"]["admin_action"]
          admin_id?: string | null
          category_id?: number | null
          created_at?: string
          details?: NonNullable<Json>
          gig_id?: string | null
          id?: never
          reason?: string | null
          seller_id?: string | null
        }
        Relationships: []
      }
      categories: {
        Row: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        Insert: {
          active?: boolean
          id?: never
          listed?: boolean
          name: string
          parent_id?: number | null
          position?: number
          slug: string
        }
        Update: {
          active?: boolean
          id?: never
          listed?: boolean
          name?: string
          parent_id?: number | null
          position?: number
          slug?: string
        }
        Relationships: [
          {
            foreignKeyName: "categories_parent_id_fkey"
            columns: ["parent_id"]
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
        ]
      }
      chargebacks: {
        Row: {
          amount_cents: number | null
          created_at: string
          currency: string | null
          needs_response_by: string | null
          order_id: string | null
          reason: string | null
          status: string
          updated_at: string
          whop_dispute_id: string
          whop_payment_id: string | null
        }
        Insert: {
          amount_cents?: number | null
          created_at?: string
          currency?: string | null
          needs_response_by?: string | null
          order_id?: string | null
          reason?: string | null
          status: string
          updated_at?: string
          whop_dispute_id: string
          whop_payment_id?: string | null
        }
        Update: {
          amount_cents?: number | null
          created_at?: string
          currency?: string | null
          needs_response_by?: string | null
          order_id?: string | null
          reason?: string | null
          status?: string
          updated_at?: string
          whop_dispute_id?: string
          whop_payment_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "chargebacks_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "chargebacks_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      gig_events: {
        Row: {
          action: Database["public"]["Enums"]["gig_action"]
          actor: Database["public"]["Enums"]["gig_actor"] | null
          actor_id: string | null
          content_version: number | null
          created_at: string
          from_status: Database["public"]["Enums"]["gig_status"] | null
          gig_id: string
          id: number
          reason: string | null
          to_status: Database["public"]["Enums"]["gig_status"] | null
        }
        Insert: {
          action: Database["public"]["Enums"]["gig_action"]
          actor?: Database["public"]["Enums"]["gig_actor"] | null
          actor_id?: string | null
          content_version?: number | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["gig_status"] | null
          gig_id: string
          id?: never
          reason?: string | null
          to_status?: Database["public"]["Enums"]["gig_status"] | null
        }
        Update: {
          action?: Database["public"]["Enums"]["gig_action"]
          actor?: Database["public"]["Enums"]["gig_actor"] | null
          actor_id?: string | null
          content_version?: number | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["gig_status"] | null
          gig_id?: string
          id?: never
          reason?: string | null
          to_status?: Database["public"]["Enums"]["gig_status"] | null
        }
        Relationships: [
          {
            foreignKeyName: "gig_events_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      gig_extras: {
        Row: {
          created_at: string
          currency: string
          description: string
          extra_delivery_days: number
          gig_id: string
          id: string
          max_quantity: number
          position: number
          price_cents: number
          title: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          currency: string
          description?: string
          extra_delivery_days?: number
          gig_id: string
          id?: string
          max_quantity?: number
          position?: number
          price_cents: number
          title: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          currency?: string
          description?: string
          extra_delivery_days?: number
          gig_id?: string
          id?: string
          max_quantity?: number
          position?: number
          price_cents?: number
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_extras_gig_currency_fkey"
            columns: ["gig_id", "currency"]
            referencedRelation: "gigs"
            referencedColumns: ["id", "currency"]
          },
        ]
      }
      gig_faqs: {
        Row: {
          answer: string
          created_at: string
          gig_id: string
          id: string
          position: number
          question: string
          updated_at: string
        }
        Insert: {
          answer: string
          created_at?: string
          gig_id: string
          id?: string
          position?: number
          question: string
          updated_at?: string
        }
        Update: {
          answer?: string
          created_at?: string
          gig_id?: string
          id?: string
          position?: number
          question?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_faqs_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      gig_media: {
        Row: {
          created_at: string
          gig_id: string
          id: string
          is_cover: boolean
          mime_type: string | null
          path: string
          position: number
          storage_object_id: string
        }
        Insert: {
          created_at?: string
          gig_id: string
          id?: string
          is_cover?: boolean
          mime_type?: string | null
          path: string
          position?: number
          storage_object_id: string
        }
        Update: {
          created_at?: string
          gig_id?: string
          id?: string
          is_cover?: boolean
          mime_type?: string | null
          path?: string
          position?: number
          storage_object_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_media_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      gig_packages: {
        Row: {
          created_at: string
          currency: string
          delivery_days: number
          description: string
          features: string[]
          gig_id: string
          id: string
          max_quantity: number
          price_cents: number
          revisions_included: number
          tier: Database["public"]["Enums"]["package_tier"]
          title: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          currency: string
          delivery_days: number
          description?: string
          features?: string[]
          gig_id: string
          id?: string
          max_quantity?: number
          price_cents: number
          revisions_included?: number
          tier: Database["public"]["Enums"]["package_tier"]
          title: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          currency?: string
          delivery_days?: number
          description?: string
          features?: string[]
          gig_id?: string
          id?: string
          max_quantity?: number
          price_cents?: number
          revisions_included?: number
          tier?: Database["public"]["Enums"]["package_tier"]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_packages_gig_currency_fkey"
            columns: ["gig_id", "currency"]
            referencedRelation: "gigs"
            referencedColumns: ["id", "currency"]
          },
        ]
      }
      gig_requirements: {
        Row: {
          choices: string[]
          created_at: string
          gig_id: string
          id: string
          kind: Database["public"]["Enums"]["requirement_kind"]
          position: number
          question: string
          required: boolean
          updated_at: string
        }
        Insert: {
          choices?: string[]
          created_at?: string
          gig_id: string
          id?: string
          kind?: Database["public"]["Enums"]["requirement_kind"]
          position?: number
          question: string
          required?: boolean
          updated_at?: string
        }
        Update: {
          choices?: string[]
          created_at?: string
          gig_id?: string
          id?: string
          kind?: Database["public"]["Enums"]["requirement_kind"]
          position?: number
          question?: string
          required?: boolean
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_requirements_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      gigs: {
        Row: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        Insert: {
          category_id: number
          content_version?: number
          created_at?: string
          currency?: string
          description?: string
          fastest_delivery_days?: number | null
          id?: string
          paused_by_platform?: boolean
          published_at?: string | null
          quality_score?: never
          rating_avg?: number
          rating_count?: number
          rejection_reason?: string | null
          seller_id?: string
          slug: string
          starting_price_cents?: number | null
          status?: Database["public"]["Enums"]["gig_status"]
          tags?: string[]
          title: string
          updated_at?: string
        }
        Update: {
          category_id?: number
          content_version?: number
          created_at?: string
          currency?: string
          description?: string
          fastest_delivery_days?: number | null
          id?: string
          paused_by_platform?: boolean
          published_at?: string | null
          quality_score?: never
          rating_avg?: number
          rating_count?: number
          rejection_reason?: string | null
          seller_id?: string
          slug?: string
          starting_price_cents?: number | null
          status?: Database["public"]["Enums"]["gig_status"]
          tags?: string[]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gigs_category_id_fkey"
            columns: ["category_id"]
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "gigs_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "gigs_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "gigs_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
      notifications: {
        Row: {
          body: string
          created_at: string
          id: number
          kind: string
          order_id: string | null
          read_at: string | null
          user_id: string
        }
        Insert: {
          body: string
          created_at?: string
          id?: never
          kind: string
          order_id?: string | null
          read_at?: string | null
          user_id: string
        }
        Update: {
          body?: string
          created_at?: string
          id?: never
          kind?: string
          order_id?: string | null
          read_at?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "notifications_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "notifications_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      order_attributions: {
        Row: {
          attribution: NonNullable<Json>
          order_id: string
          updated_at: string
        }
        Insert: {
          attribution?: NonNullable<Json>
          order_id: string
          updated_at?: string
        }
        Update: {
          attribution?: NonNullable<Json>
          order_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_attributions_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_attributions_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      order_deliveries: {
        Row: {
          created_at: string
          delivered_by: string
          files: NonNullable<Json>
          id: string
          message: string
          order_id: string
        }
        Insert: {
          created_at?: string
          delivered_by: string
          files?: NonNullable<Json>
          id?: string
          message: string
          order_id: string
        }
        Update: {
          created_at?: string
          delivered_by?: string
          files?: NonNullable<Json>
          id?: string
          message?: string
          order_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_deliveries_delivered_by_fkey"
            columns: ["delivered_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_deliveries_delivered_by_fkey"
            columns: ["delivered_by"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "order_deliveries_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_deliveries_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      order_events: {
        Row: {
          action: string
          actor: Database["public"]["Enums"]["order_actor"]
          actor_id: string | null
          created_at: string
          details: NonNullable<Json>
          from_status: Database["public"]["Enums"]["order_status"]
          id: number
          order_id: string
          to_status: Database["public"]["Enums"]["order_status"]
        }
        Insert: {
          action: string
          actor: Database["public"]["Enums"]["order_actor"]
          actor_id?: string | null
          created_at?: string
          details?: NonNullable<Json>
          from_status: Database["public"]["Enums"]["order_status"]
          id?: never
          order_id: string
          to_status: Database["public"]["Enums"]["order_status"]
        }
        Update: {
          action?: string
          actor?: Database["public"]["Enums"]["order_actor"]
          actor_id?: string | null
          created_at?: string
          details?: NonNullable<Json>
          from_status?: Database["public"]["Enums"]["order_status"]
          id?: never
          order_id?: string
          to_status?: Database["public"]["Enums"]["order_status"]
        }
        Relationships: [
          {
            foreignKeyName: "order_events_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_events_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      order_extras: {
        Row: {
          extra_delivery_days: number
          extra_id: string | null
          id: string
          line_total_cents: number
          order_id: string
          quantity: number
          title: string
          unit_price_cents: number
        }
        Insert: {
          extra_delivery_days: number
          extra_id?: string | null
          id?: string
          line_total_cents: number
          order_id: string
          quantity: number
          title: string
          unit_price_cents: number
        }
        Update: {
          extra_delivery_days?: number
          extra_id?: string | null
          id?: string
          line_total_cents?: number
          order_id?: string
          quantity?: number
          title?: string
          unit_price_cents?: number
        }
        Relationships: [
          {
            foreignKeyName: "order_extras_extra_id_fkey"
            columns: ["extra_id"]
            referencedRelation: "gig_extras"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_extras_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_extras_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      order_files: {
        Row: {
          attached_at: string
          delivery_id: string | null
          folder: string
          id: string
          mime_type: string | null
          name: string
          order_id: string
          size_bytes: number | null
          storage_object_id: string
          uploaded_by: string
        }
        Insert: {
          attached_at?: string
          delivery_id?: string | null
          folder: string
          id?: string
          mime_type?: string | null
          name: string
          order_id: string
          size_bytes?: number | null
          storage_object_id: string
          uploaded_by: string
        }
        Update: {
          attached_at?: string
          delivery_id?: string | null
          folder?: string
          id?: string
          mime_type?: string | null
          name?: string
          order_id?: string
          size_bytes?: number | null
          storage_object_id?: string
          uploaded_by?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_files_delivery_id_fkey"
            columns: ["delivery_id"]
            referencedRelation: "order_deliveries"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_files_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_files_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_files_uploaded_by_fkey"
            columns: ["uploaded_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_files_uploaded_by_fkey"
            columns: ["uploaded_by"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      order_messages: {
        Row: {
          body: string
          created_at: string
          id: string
          order_id: string
          sender_id: string
        }
        Insert: {
          body: string
          created_at?: string
          id?: string
          order_id: string
          sender_id?: string
        }
        Update: {
          body?: string
          created_at?: string
          id?: string
          order_id?: string
          sender_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "order_messages_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_messages_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_messages_sender_id_fkey"
            columns: ["sender_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_messages_sender_id_fkey"
            columns: ["sender_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      order_requirement_answers: {
        Row: {
          answer: string
          answered_at: string
          id: string
          kind: Database["public"]["Enums"]["requirement_kind"]
          order_id: string
          question: string
          requirement_id: string | null
        }
        Insert: {
          answer: string
          answered_at?: string
          id?: string
          kind: Database["public"]["Enums"]["requirement_kind"]
          order_id: string
          question: string
          requirement_id?: string | null
        }
        Update: {
          answer?: string
          answered_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["requirement_kind"]
          order_id?: string
          question?: string
          requirement_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "order_requirement_answers_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "order_requirement_answers_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "order_requirement_answers_requirement_id_fkey"
            columns: ["requirement_id"]
            referencedRelation: "gig_requirements"
            referencedColumns: ["id"]
          },
        ]
      }
      orders: {
        Row: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        Insert: {
          buyer_id: string
          cancellation_requested_at?: string | null
          cancellation_requested_by?:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at?: string | null
          checkout_expires_at: string
          completed_at?: string | null
          created_at?: string
          currency: string
          delivered_at?: string | null
          delivery_days: number
          dispute_opened_by?: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason?: string | null
          dispute_refund_cents?: number | null
          due_at?: string | null
          extras_cents?: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents?: number
          files_removed_at?: string | null
          gig_id: string
          gig_title: string
          id?: string
          late_at?: string | null
          net_refunded_cents?: number
          package_id?: string | null
          package_price_cents: number
          paid_at?: string | null
          quantity?: number
          refunded_cents?: number
          reviews_released_at?: string | null
          revisions_included: number
          revisions_used?: number
          seller_id: string
          seller_net_cents: number
          started_at?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request?:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at?: string
          very_late_at?: string | null
          whop_checkout_id?: string | null
          whop_dm_channel_id?: string | null
          whop_payment_id?: string | null
        }
        Update: {
          buyer_id?: string
          cancellation_requested_at?: string | null
          cancellation_requested_by?:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at?: string | null
          checkout_expires_at?: string
          completed_at?: string | null
          created_at?: string
          currency?: string
          delivered_at?: string | null
          delivery_days?: number
          dispute_opened_by?: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason?: string | null
          dispute_refund_cents?: number | null
          due_at?: string | null
          extras_cents?: number
          fee_bps?: number
          fee_cents?: number
          fee_refunded_cents?: number
          files_removed_at?: string | null
          gig_id?: string
          gig_title?: string
          id?: string
          late_at?: string | null
          net_refunded_cents?: number
          package_id?: string | null
          package_price_cents?: number
          paid_at?: string | null
          quantity?: number
          refunded_cents?: number
          reviews_released_at?: string | null
          revisions_included?: number
          revisions_used?: number
          seller_id?: string
          seller_net_cents?: number
          started_at?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request?:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents?: number
          tier?: Database["public"]["Enums"]["package_tier"]
          updated_at?: string
          very_late_at?: string | null
          whop_checkout_id?: string | null
          whop_dm_channel_id?: string | null
          whop_payment_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "orders_buyer_id_fkey"
            columns: ["buyer_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_buyer_id_fkey"
            columns: ["buyer_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_package_id_fkey"
            columns: ["package_id"]
            referencedRelation: "gig_packages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
      profiles: {
        Row: {
          avatar_url: string | null
          bio: string
          country: string | null
          created_at: string
          display_name: string
          id: string
          languages: string[]
          updated_at: string
          username: string
        }
        Insert: {
          avatar_url?: string | null
          bio?: string
          country?: string | null
          created_at?: string
          display_name: string
          id: string
          languages?: string[]
          updated_at?: string
          username: string
        }
        Update: {
          avatar_url?: string | null
          bio?: string
          country?: string | null
          created_at?: string
          display_name?: string
          id?: string
          languages?: string[]
          updated_at?: string
          username?: string
        }
        Relationships: []
      }
      quarantined_payments: {
        Row: {
          amount_cents: number | null
          currency: string | null
          decided_at: string | null
          decided_by: string | null
          decision: string
          order_id: string | null
          payment: NonNullable<Json>
          reasons: string[]
          received_at: string
          refund_failure: string | null
          refund_submitted_at: string | null
          refunded_at: string | null
          whop_payment_id: string
        }
        Insert: {
          amount_cents?: number | null
          currency?: string | null
          decided_at?: string | null
          decided_by?: string | null
          decision?: string
          order_id?: string | null
          payment: NonNullable<Json>
          reasons: string[]
          received_at?: string
          refund_failure?: string | null
          refund_submitted_at?: string | null
          refunded_at?: string | null
          whop_payment_id: string
        }
        Update: {
          amount_cents?: number | null
          currency?: string | null
          decided_at?: string | null
          decided_by?: string | null
          decision?: string
          order_id?: string | null
          payment?: NonNullable<Json>
          reasons?: string[]
          received_at?: string
          refund_failure?: string | null
          refund_submitted_at?: string | null
          refunded_at?: string | null
          whop_payment_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "quarantined_payments_decided_by_fkey"
            columns: ["decided_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "quarantined_payments_decided_by_fkey"
            columns: ["decided_by"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "quarantined_payments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "quarantined_payments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      refunds: {
        Row: {
          amount_cents: number
          created_at: string
          fee_refund_cents: number | null
          id: string
          net_refund_cents: number | null
          order_id: string
          reason: string
          requested_by: string | null
          settled_at: string | null
          status: Database["public"]["Enums"]["refund_status"]
          submitted_at: string | null
          whop_refund_id: string | null
        }
        Insert: {
          amount_cents: number
          created_at?: string
          fee_refund_cents?: number | null
          id?: string
          net_refund_cents?: number | null
          order_id: string
          reason: string
          requested_by?: string | null
          settled_at?: string | null
          status?: Database["public"]["Enums"]["refund_status"]
          submitted_at?: string | null
          whop_refund_id?: string | null
        }
        Update: {
          amount_cents?: number
          created_at?: string
          fee_refund_cents?: number | null
          id?: string
          net_refund_cents?: number | null
          order_id?: string
          reason?: string
          requested_by?: string | null
          settled_at?: string | null
          status?: Database["public"]["Enums"]["refund_status"]
          submitted_at?: string | null
          whop_refund_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "refunds_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "refunds_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_requested_by_fkey"
            columns: ["requested_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_requested_by_fkey"
            columns: ["requested_by"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      reviews: {
        Row: {
          body: string
          created_at: string
          gig_id: string
          id: string
          order_id: string
          rating: number
          released_at: string | null
          reviewee_id: string
          reviewer_id: string
          reviewer_role: Database["public"]["Enums"]["order_actor"]
        }
        Insert: {
          body?: string
          created_at?: string
          gig_id: string
          id?: string
          order_id: string
          rating: number
          released_at?: string | null
          reviewee_id: string
          reviewer_id: string
          reviewer_role: Database["public"]["Enums"]["order_actor"]
        }
        Update: {
          body?: string
          created_at?: string
          gig_id?: string
          id?: string
          order_id?: string
          rating?: number
          released_at?: string | null
          reviewee_id?: string
          reviewer_id?: string
          reviewer_role?: Database["public"]["Enums"]["order_actor"]
        }
        Relationships: [
          {
            foreignKeyName: "reviews_gig_id_fkey"
            columns: ["gig_id"]
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "reviews_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_reviewee_id_fkey"
            columns: ["reviewee_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_reviewee_id_fkey"
            columns: ["reviewee_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "reviews_reviewer_id_fkey"
            columns: ["reviewer_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_reviewer_id_fkey"
            columns: ["reviewer_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      seller_accounts: {
        Row: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        Insert: {
          created_at?: string
          headline?: string
          kyc_status?: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at?: string | null
          payout_enabled?: boolean
          rating_avg?: number
          rating_count?: number
          suspended_at?: string | null
          suspension_reason?: string | null
          updated_at?: string
          user_id: string
          whop_company_id?: string | null
        }
        Update: {
          created_at?: string
          headline?: string
          kyc_status?: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at?: string | null
          payout_enabled?: boolean
          rating_avg?: number
          rating_count?: number
          suspended_at?: string | null
          suspension_reason?: string | null
          updated_at?: string
          user_id?: string
          whop_company_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      seller_adjustments: {
        Row: {
          amount_cents: number
          created_at: string
          currency: string
          id: string
          order_id: string | null
          reason: string
          seller_id: string
        }
        Insert: {
          amount_cents: number
          created_at?: string
          currency: string
          id?: string
          order_id?: string | null
          reason: string
          seller_id: string
        }
        Update: {
          amount_cents?: number
          created_at?: string
          currency?: string
          id?: string
          order_id?: string | null
          reason?: string
          seller_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "seller_adjustments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "seller_adjustments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "seller_adjustments_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "seller_adjustments_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "seller_adjustments_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
      seller_stats: {
        Row: {
          completed_orders: number
          headline: string
          member_since: string
          rating_avg: number
          rating_count: number
          suspended: boolean
          user_id: string
          verified: boolean
        }
        Insert: {
          completed_orders?: number
          headline?: string
          member_since?: string
          rating_avg?: number
          rating_count?: number
          suspended?: boolean
          user_id: string
          verified?: boolean
        }
        Update: {
          completed_orders?: number
          headline?: string
          member_since?: string
          rating_avg?: number
          rating_count?: number
          suspended?: boolean
          user_id?: string
          verified?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "seller_stats_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "seller_stats_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "seller_stats_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
      whop_events: {
        Row: {
          attempts: number
          event_type: string
          id: number
          last_error: string | null
          next_attempt_at: string
          payload: NonNullable<Json>
          processed_at: string | null
          received_at: string
          status: Database["public"]["Enums"]["whop_event_status"]
          webhook_id: string
        }
        Insert: {
          attempts?: number
          event_type: string
          id?: never
          last_error?: string | null
          next_attempt_at?: string
          payload: NonNullable<Json>
          processed_at?: string | null
          received_at?: string
          status?: Database["public"]["Enums"]["whop_event_status"]
          webhook_id: string
        }
        Update: {
          attempts?: number
          event_type?: string
          id?: never
          last_error?: string | null
          next_attempt_at?: string
          payload?: NonNullable<Json>
          processed_at?: string | null
          received_at?: string
          status?: Database["public"]["Enums"]["whop_event_status"]
          webhook_id?: string
        }
        Relationships: []
      }
      withdrawals: {
        Row: {
          amount_cents: number
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          made_at_whop: boolean
          seller_id: string
          settled_at: string | null
          status: Database["public"]["Enums"]["withdrawal_status"]
          updated_at: string
          whop_payout_method_id: string | null
          whop_withdrawal_id: string | null
        }
        Insert: {
          amount_cents: number
          created_at?: string
          currency: string
          failure_reason?: string | null
          id?: string
          made_at_whop?: boolean
          seller_id: string
          settled_at?: string | null
          status?: Database["public"]["Enums"]["withdrawal_status"]
          updated_at?: string
          whop_payout_method_id?: string | null
          whop_withdrawal_id?: string | null
        }
        Update: {
          amount_cents?: number
          created_at?: string
          currency?: string
          failure_reason?: string | null
          id?: string
          made_at_whop?: boolean
          seller_id?: string
          settled_at?: string | null
          status?: Database["public"]["Enums"]["withdrawal_status"]
          updated_at?: string
          whop_payout_method_id?: string | null
          whop_withdrawal_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "withdrawals_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "withdrawals_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "withdrawals_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
    }
    Views: {
      admin_failed_webhooks: {
        Row: {
          attempts: number | null
          event_type: string | null
          id: number | null
          last_error: string | null
          next_attempt_at: string | null
          received_at: string | null
          status: Database["public"]["Enums"]["whop_event_status"] | null
          webhook_id: string | null
        }
        Insert: {
          attempts?: number | null
          event_type?: string | null
          id?: number | null
          last_error?: string | null
          next_attempt_at?: string | null
          received_at?: string | null
          status?: Database["public"]["Enums"]["whop_event_status"] | null
          webhook_id?: string | null
        }
        Update: {
          attempts?: number | null
          event_type?: string | null
          id?: number | null
          last_error?: string | null
          next_attempt_at?: string | null
          received_at?: string | null
          status?: Database["public"]["Enums"]["whop_event_status"] | null
          webhook_id?: string | null
        }
        Relationships: []
      }
      admin_open_chargebacks: {
        Row: {
          amount_cents: number | null
          currency: string | null
          early_warning: boolean | null
          needs_response_by: string | null
          order_id: string | null
          reason: string | null
          status: string | null
          updated_at: string | null
          whop_dispute_id: string | null
          whop_payment_id: string | null
        }
        Insert: {
          amount_cents?: number | null
          currency?: string | null
          early_warning?: never
          needs_response_by?: string | null
          order_id?: string | null
          reason?: string | null
          status?: string | null
          updated_at?: string | null
          whop_dispute_id?: string | null
          whop_payment_id?: string | null
        }
        Update: {
          amount_cents?: number | null
          currency?: string | null
          early_warning?: never
          needs_response_by?: string | null
          order_id?: string | null
          reason?: string | null
          status?: string | null
          updated_at?: string | null
          whop_dispute_id?: string | null
          whop_payment_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "chargebacks_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "chargebacks_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      admin_open_disputes: {
        Row: {
          buyer_id: string | null
          currency: string | null
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          gig_title: string | null
          order_id: string | null
          refunded_cents: number | null
          seller_id: string | null
          subtotal_cents: number | null
          updated_at: string | null
        }
        Insert: {
          buyer_id?: string | null
          currency?: string | null
          dispute_opened_by?: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason?: string | null
          gig_title?: string | null
          order_id?: string | null
          refunded_cents?: number | null
          seller_id?: string | null
          subtotal_cents?: number | null
          updated_at?: string | null
        }
        Update: {
          buyer_id?: string | null
          currency?: string | null
          dispute_opened_by?: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason?: string | null
          gig_title?: string | null
          order_id?: string | null
          refunded_cents?: number | null
          seller_id?: string | null
          subtotal_cents?: number | null
          updated_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "orders_buyer_id_fkey"
            columns: ["buyer_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_buyer_id_fkey"
            columns: ["buyer_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_seller_debts"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "admin_sellers_awaiting_kyc"
            referencedColumns: ["seller_id"]
          },
          {
            foreignKeyName: "orders_seller_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_accounts"
            referencedColumns: ["user_id"]
          },
        ]
      }
      admin_platform_revenue: {
        Row: {
          currency: string | null
          day: string | null
          fee_cents: number | null
          fee_refunded_cents: number | null
          gross_cents: number | null
          orders_paid: number | null
          revenue_cents: number | null
          seller_charges_cents: number | null
        }
        Relationships: []
      }
      admin_quarantined_payments: {
        Row: {
          amount_cents: number | null
          currency: string | null
          decided_at: string | null
          decision: string | null
          order_id: string | null
          reasons: string[] | null
          received_at: string | null
          refund_failure: string | null
          refund_submitted_at: string | null
          refunded_at: string | null
          whop_payment_id: string | null
        }
        Insert: {
          amount_cents?: number | null
          currency?: string | null
          decided_at?: string | null
          decision?: string | null
          order_id?: string | null
          reasons?: string[] | null
          received_at?: string | null
          refund_failure?: string | null
          refund_submitted_at?: string | null
          refunded_at?: string | null
          whop_payment_id?: string | null
        }
        Update: {
          amount_cents?: number | null
          currency?: string | null
          decided_at?: string | null
          decision?: string | null
          order_id?: string | null
          reasons?: string[] | null
          received_at?: string | null
          refund_failure?: string | null
          refund_submitted_at?: string | null
          refunded_at?: string | null
          whop_payment_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "quarantined_payments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "quarantined_payments_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      admin_refunds_in_flight: {
        Row: {
          amount_cents: number | null
          created_at: string | null
          currency: string | null
          order_id: string | null
          reason: string | null
          refund_id: string | null
          submitted_at: string | null
        }
        Relationships: [
          {
            foreignKeyName: "refunds_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "admin_open_disputes"
            referencedColumns: ["order_id"]
          },
          {
            foreignKeyName: "refunds_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      admin_revenue_by_source: {
        Row: {
          currency: string | null
          net_sales_cents: number | null
          orders_paid: number | null
          revenue_cents: number | null
          utm_campaign: string | null
          utm_medium: string | null
          utm_source: string | null
        }
        Relationships: []
      }
      admin_seller_debts: {
        Row: {
          currency: string | null
          debt_cents: number | null
          pending_cents: number | null
          seller_id: string | null
          username: string | null
        }
        Relationships: [
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      admin_sellers_awaiting_kyc: {
        Row: {
          kyc_status: Database["public"]["Enums"]["kyc_status"] | null
          kyc_updated_at: string | null
          seller_id: string | null
          username: string | null
          whop_company_id: string | null
        }
        Relationships: [
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "seller_accounts_user_id_fkey"
            columns: ["seller_id"]
            referencedRelation: "seller_profiles"
            referencedColumns: ["seller_id"]
          },
        ]
      }
      seller_profiles: {
        Row: {
          avatar_url: string | null
          bio: string | null
          completed_orders: number | null
          country: string | null
          display_name: string | null
          headline: string | null
          languages: string[] | null
          member_since: string | null
          rating_avg: number | null
          rating_count: number | null
          seller_id: string | null
          suspended: boolean | null
          username: string | null
          verified: boolean | null
        }
        Relationships: []
      }
    }
    Functions: {
      abandon_checkout: {
        Args: { order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      accept_cancellation: {
        Args: { order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      accept_delivery: {
        Args: { order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      apply_whop_checkout_payments: {
        Args: { payments: Json; target_order_id: string }
        Returns: string
      }
      apply_whop_dispute: {
        Args: { dispute: Json; event_type?: string }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      apply_whop_ledger_account: {
        Args: { account: Json; company_id: string }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      apply_whop_payment: {
        Args: { event_type?: string; payment: Json }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      apply_whop_payout_methods: {
        Args: { company_id: string; methods: Json }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      apply_whop_refund: {
        Args: { refund: Json }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      apply_whop_withdrawal: {
        Args: { company_id?: string; withdrawal: Json; withdrawal_id?: string }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      attach_checkout: {
        Args: { target_order_id: string; whop_checkout_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      attach_whop_dm_channel: {
        Args: {
          buyer_whop_user_id: string
          seller_whop_user_id: string
          target_order_id: string
          whop_dm_channel_id: string
        }
        Returns: string
      }
      become_seller: {
        Args: { headline?: string }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      begin_whop_oauth: {
        Args: {
          browser_binding_hash: string
          code_verifier_ciphertext: string
          lifetime_seconds?: number
          purpose: string
          state_hash: string
          user_id: string
        }
        Returns: string
      }
      checkout_refused: {
        Args: { reason: string; target_order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      checkout_to_confirm: {
        Args: { buyer_id: string; target_order_id: string }
        Returns: {
          ask_whop_about: string
          order_id: string
          status: Database["public"]["Enums"]["order_status"]
        }[]
      }
      claim_quarantine_refunds: {
        Args: { max_refunds?: number }
        Returns: {
          amount_cents: number
          whop_payment_id: string
        }[]
      }
      claim_reconciliation_work: {
        Args: { max_rows?: number; recheck_after?: string }
        Returns: {
          expired: boolean
          kind: string
          subject: string
          whop_id: string
        }[]
      }
      claim_refunds_to_submit: {
        Args: { max_refunds?: number; only_refund?: string }
        Returns: {
          amount_cents: number
          full_refund: boolean
          order_id: string
          refund_id: string
          whop_payment_id: string
        }[]
      }
      claim_whop_dm_channels: {
        Args: { max_orders?: number; only_order?: string }
        Returns: {
          buyer_whop_user_id: string
          channel_name: string
          order_id: string
          seller_whop_user_id: string
        }[]
      }
      consume_whop_oauth_state: {
        Args: {
          browser_binding_hash?: string
          completing_user_id?: string
          state_hash: string
        }
        Returns: {
          code_verifier_ciphertext: string
          purpose: string
          refusal: string
          user_id: string
        }[]
      }
      create_category: {
        Args: {
          at_position?: number
          name: string
          parent_id?: number
          reason?: string
          slug: string
        }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_pending_order: {
        Args: {
          attribution?: Json
          buyer_id: string
          extras?: Json
          gig_id: string
          quantity?: number
          tier: Database["public"]["Enums"]["package_tier"]
        }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      deactivate_category: {
        Args: { category_id: number; reason?: string }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      decide_quarantined_payment: {
        Args: { decision: string; whop_payment_id: string }
        Returns: {
          amount_cents: number | null
          currency: string | null
          decided_at: string | null
          decided_by: string | null
          decision: string
          order_id: string | null
          payment: NonNullable<Json>
          reasons: string[]
          received_at: string
          refund_failure: string | null
          refund_submitted_at: string | null
          refunded_at: string | null
          whop_payment_id: string
        }
        SetofOptions: {
          from: "*"
          to: "quarantined_payments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      decline_cancellation: {
        Args: { order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      deliver_order: {
        Args: { files?: Json; message: string; order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      due_whop_events: { Args: { max_events?: number }; Returns: number[] }
      forget_whop_webhook_endpoint: {
        Args: { whop_webhook_id: string }
        Returns: boolean
      }
      get_gig: {
        Args: { gig_id?: string; reviews_page_size?: number; slug?: string }
        Returns: Json
      }
      gig_reviews: {
        Args: { after_cursor?: string; gig_id: string; page_size?: number }
        Returns: {
          body: string
          next_cursor: string
          rating: number
          released_at: string
          review_id: string
          reviewer_avatar_url: string
          reviewer_display_name: string
          reviewer_username: string
        }[]
      }
      ingest_whop_event: {
        Args: { payload: Json; webhook_id: string }
        Returns: {
          duplicate: boolean
          event_id: number
        }[]
      }
      ingest_whop_events: {
        Args: { deliveries: Json }
        Returns: {
          duplicate: boolean
          event_id: number
          webhook_id: string
        }[]
      }
      link_whop_account: {
        Args: {
          access_expires_at: string
          access_token_ciphertext: string
          refresh_token_ciphertext: string
          scope?: string
          user_id: string
          whop_user_id: string
        }
        Returns: string
      }
      link_whop_company: {
        Args: { seller_id: string; whop_company_id: string }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      move_category: {
        Args: { category_id: number; parent_id?: number; reason?: string }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      my_whop_link: {
        Args: Record<PropertyKey, never>
        Returns: {
          linked_at: string
          whop_user_id: string
        }[]
      }
      open_dispute: {
        Args: { order_id: string; reason: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      order_chat: {
        Args: { target_order_id: string; user_id: string }
        Returns: {
          role: string
          whop_dm_channel_id: string
          whop_user_id: string
        }[]
      }
      order_files_to_remove: {
        Args: { max_files?: number }
        Returns: {
          order_id: string
          path: string
        }[]
      }
      pause_gig: {
        Args: { gig_id: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      prepare_checkout: {
        Args: {
          attribution?: Json
          buyer_id: string
          extras?: Json
          gig_id: string
          quantity?: number
          tier: Database["public"]["Enums"]["package_tier"]
        }
        Returns: Json
      }
      process_whop_event: {
        Args: { event_id: number }
        Returns: Database["public"]["Enums"]["whop_event_status"]
      }
      process_whop_events: {
        Args: { event_ids: number[] }
        Returns: {
          event_id: number
          status: Database["public"]["Enums"]["whop_event_status"]
        }[]
      }
      publish_gig: {
        Args: { content_version?: number; gig_id: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      quote_order: {
        Args: {
          extras?: Json
          gig_id: string
          quantity?: number
          tier: Database["public"]["Enums"]["package_tier"]
        }
        Returns: Json
      }
      reactivate_category: {
        Args: { category_id: number; reason?: string }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_quarantine_refund_refused: {
        Args: { reason: string; whop_payment_id: string }
        Returns: {
          amount_cents: number | null
          currency: string | null
          decided_at: string | null
          decided_by: string | null
          decision: string
          order_id: string | null
          payment: NonNullable<Json>
          reasons: string[]
          received_at: string
          refund_failure: string | null
          refund_submitted_at: string | null
          refunded_at: string | null
          whop_payment_id: string
        }
        SetofOptions: {
          from: "*"
          to: "quarantined_payments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_refund_failed: {
        Args: { reason?: string; refund_request_id: string }
        Returns: {
          amount_cents: number
          created_at: string
          fee_refund_cents: number | null
          id: string
          net_refund_cents: number | null
          order_id: string
          reason: string
          requested_by: string | null
          settled_at: string | null
          status: Database["public"]["Enums"]["refund_status"]
          submitted_at: string | null
          whop_refund_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "refunds"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_whop_dm_channel_failure: {
        Args: { error: string; target_order_id: string }
        Returns: string
      }
      record_withdrawal: {
        Args: {
          failure_reason?: string
          status: string
          whop_withdrawal_id: string
          withdrawal_id: string
        }
        Returns: {
          amount_cents: number
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          made_at_whop: boolean
          seller_id: string
          settled_at: string | null
          status: Database["public"]["Enums"]["withdrawal_status"]
          updated_at: string
          whop_payout_method_id: string | null
          whop_withdrawal_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "withdrawals"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_withdrawal_refused: {
        Args: { reason: string; withdrawal_id: string }
        Returns: {
          amount_cents: number
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          made_at_whop: boolean
          seller_id: string
          settled_at: string | null
          status: Database["public"]["Enums"]["withdrawal_status"]
          updated_at: string
          whop_payout_method_id: string | null
          whop_withdrawal_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "withdrawals"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      reinstate_seller: {
        Args: { reason: string; seller_id: string }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      reject_gig: {
        Args: { content_version?: number; gig_id: string; reason: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      rename_category: {
        Args: { category_id: number; name: string; reason?: string }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      reorder_category: {
        Args: { at_position: number; category_id: number; reason?: string }
        Returns: {
          active: boolean
          id: number
          listed: boolean
          name: string
          parent_id: number | null
          position: number
          slug: string
        }
        SetofOptions: {
          from: "*"
          to: "categories"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      replace_ciphertext: {
        Args: {
          id: string
          kind: string
          new_ciphertext: string
          old_ciphertext: string
        }
        Returns: boolean
      }
      request_cancellation: {
        Args: { order_id: string; reason: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      request_refund: {
        Args: { amount_cents?: number; order_id: string; reason?: string }
        Returns: {
          amount_cents: number
          created_at: string
          fee_refund_cents: number | null
          id: string
          net_refund_cents: number | null
          order_id: string
          reason: string
          requested_by: string | null
          settled_at: string | null
          status: Database["public"]["Enums"]["refund_status"]
          submitted_at: string | null
          whop_refund_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "refunds"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      request_revision: {
        Args: { message: string; order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      request_withdrawal: {
        Args: {
          amount_cents: number
          currency?: string
          payout_method_id?: string
          seller_id: string
        }
        Returns: Json
      }
      requeue_whop_events: { Args: { event_ids?: number[] }; Returns: number }
      resolve_dispute: {
        Args: {
          note?: string
          order_id: string
          outcome: string
          refund_cents?: number
        }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      restore_gig: {
        Args: { gig_id: string; reason: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      run_due_timers: {
        Args: { as_of?: string; batch_size?: number }
        Returns: Json
      }
      save_whop_webhook_endpoint: {
        Args: {
          events: string[]
          secret_ciphertext: string
          url: string
          whop_webhook_id: string
        }
        Returns: undefined
      }
      search_gigs: {
        Args: {
          after_cursor?: string
          category?: string
          max_delivery_days?: number
          max_price_cents?: number
          min_price_cents?: number
          min_rating?: number
          page_size?: number
          search_query?: string
          seller?: string
          sort?: Database["public"]["Enums"]["gig_sort"]
        }
        Returns: {
          category_slug: string
          cover_path: string
          currency: string
          fastest_delivery_days: number
          gig_id: string
          next_cursor: string
          published_at: string
          rating_avg: number
          rating_count: number
          relevance: number
          seller_avatar_url: string
          seller_display_name: string
          seller_id: string
          seller_username: string
          slug: string
          starting_price_cents: number
          tags: string[]
          title: string
        }[]
      }
      seller_account_for: {
        Args: { seller_id: string }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      seller_balance: {
        Args: { seller_id?: string }
        Returns: {
          available_cents: number
          currency: string
          debt_cents: number
          held_cents: number
          pending_cents: number
          refunded_cents: number
          withdrawing_cents: number
          withdrawn_cents: number
        }[]
      }
      seller_payouts_company: { Args: { seller_id: string }; Returns: string }
      seller_whop_company: { Args: { seller_id: string }; Returns: string }
      seller_withdrawal: {
        Args: { seller_id: string; withdrawal_id: string }
        Returns: {
          amount_cents: number
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          made_at_whop: boolean
          seller_id: string
          settled_at: string | null
          status: Database["public"]["Enums"]["withdrawal_status"]
          updated_at: string
          whop_payout_method_id: string | null
          whop_withdrawal_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "withdrawals"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_chargeback_fee_policy: { Args: { borne_by: string }; Returns: string }
      set_clearance_period: { Args: { days: number }; Returns: string }
      set_max_checkouts_per_hour: {
        Args: { max_checkouts: number }
        Returns: number
      }
      set_max_unpaid_orders: { Args: { max_unpaid: number }; Returns: number }
      set_platform_fee_bps: { Args: { fee_bps: number }; Returns: number }
      set_seller_kyc_status: {
        Args: {
          new_status: Database["public"]["Enums"]["kyc_status"]
          seller_id: string
        }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      start_order: {
        Args: { order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      stored_ciphertexts: {
        Args: Record<PropertyKey, never>
        Returns: {
          ciphertext: string
          id: string
          kind: string
        }[]
      }
      submit_gig_for_review: {
        Args: { gig_id: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      submit_requirements: {
        Args: { answers: Json; files?: Json; order_id: string }
        Returns: {
          buyer_id: string
          cancellation_requested_at: string | null
          cancellation_requested_by:
            | Database["public"]["Enums"]["order_actor"]
            | null
          cancelled_at: string | null
          checkout_expires_at: string
          completed_at: string | null
          created_at: string
          currency: string
          delivered_at: string | null
          delivery_days: number
          dispute_opened_by: Database["public"]["Enums"]["order_actor"] | null
          dispute_reason: string | null
          dispute_refund_cents: number | null
          due_at: string | null
          extras_cents: number
          fee_bps: number
          fee_cents: number
          fee_refunded_cents: number
          files_removed_at: string | null
          gig_id: string
          gig_title: string
          id: string
          late_at: string | null
          net_refunded_cents: number
          package_id: string | null
          package_price_cents: number
          paid_at: string | null
          quantity: number
          refunded_cents: number
          reviews_released_at: string | null
          revisions_included: number
          revisions_used: number
          seller_id: string
          seller_net_cents: number
          started_at: string | null
          status: Database["public"]["Enums"]["order_status"]
          status_before_cancellation_request:
            | Database["public"]["Enums"]["order_status"]
            | null
          subtotal_cents: number
          tier: Database["public"]["Enums"]["package_tier"]
          updated_at: string
          very_late_at: string | null
          whop_checkout_id: string | null
          whop_dm_channel_id: string | null
          whop_payment_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      submit_review: {
        Args: { body?: string; order_id: string; rating: number }
        Returns: {
          body: string
          created_at: string
          gig_id: string
          id: string
          order_id: string
          rating: number
          released_at: string | null
          reviewee_id: string
          reviewer_id: string
          reviewer_role: Database["public"]["Enums"]["order_actor"]
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      suspend_seller: {
        Args: { reason: string; seller_id: string }
        Returns: {
          created_at: string
          headline: string
          kyc_status: Database["public"]["Enums"]["kyc_status"]
          kyc_updated_at: string | null
          payout_enabled: boolean
          rating_avg: number
          rating_count: number
          suspended_at: string | null
          suspension_reason: string | null
          updated_at: string
          user_id: string
          whop_company_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "seller_accounts"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      take_down_gig: {
        Args: { gig_id: string; reason: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      unlink_whop_account: {
        Args: { user_id: string }
        Returns: {
          access_token_ciphertext: string
          refresh_token_ciphertext: string
          whop_user_id: string
        }[]
      }
      unpause_gig: {
        Args: { gig_id: string }
        Returns: {
          category_id: number
          content_version: number
          created_at: string
          currency: string
          description: string
          fastest_delivery_days: number | null
          id: string
          paused_by_platform: boolean
          published_at: string | null
          quality_score: number | null
          rating_avg: number
          rating_count: number
          rejection_reason: string | null
          seller_id: string
          slug: string
          starting_price_cents: number | null
          status: Database["public"]["Enums"]["gig_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "gigs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      whop_events_per_call: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      whop_sign_in_user: { Args: { whop_user_id: string }; Returns: string }
      whop_webhook_endpoints: {
        Args: Record<PropertyKey, never>
        Returns: {
          events: string[]
          secret_ciphertext: string
          url: string
          whop_webhook_id: string
        }[]
      }
    }
    Enums: {
      admin_action:
        | "suspend_seller"
        | "reinstate_seller"
        | "take_down_gig"
        | "restore_gig"
        | "create_category"
        | "rename_category"
        | "move_category"
        | "reorder_category"
        | "deactivate_category"
        | "reactivate_category"
      gig_action:
        | "submit"
        | "publish"
        | "reject"
        | "pause"
        | "unpause"
        | "suspend"
        | "edit"
        | "take_down"
        | "restore"
      gig_actor: "seller" | "admin" | "platform"
      gig_sort: "relevance" | "price_low" | "price_high" | "rating" | "newest"
      gig_status:
        | "draft"
        | "review"
        | "published"
        | "paused"
        | "rejected"
        | "taken_down"
      kyc_status: "unstarted" | "pending" | "verified" | "failed"
      order_action:
        | "pay"
        | "fail_payment"
        | "expire_checkout"
        | "submit_requirements"
        | "start_work"
        | "deliver"
        | "request_revision"
        | "accept_delivery"
        | "auto_complete"
        | "request_cancellation"
        | "accept_cancellation"
        | "decline_cancellation"
        | "expire_cancellation_request"
        | "open_dispute"
        | "resolve_dispute_completed"
        | "settle_dispute_refund"
        | "refund_in_full"
        | "attach_checkout"
        | "request_refund"
        | "refund_partially"
        | "refund_failed"
        | "resolve_dispute_refund"
        | "mark_late"
        | "mark_very_late"
        | "release_reviews"
        | "chargeback_won"
        | "chargeback_lost"
        | "remove_files"
        | "abandon_checkout"
      order_actor: "buyer" | "seller" | "admin" | "system"
      order_status:
        | "pending_payment"
        | "awaiting_requirements"
        | "in_progress"
        | "delivered"
        | "revision_requested"
        | "completed"
        | "cancel_requested"
        | "cancelled"
        | "disputed"
        | "refunded"
      package_tier: "basic" | "standard" | "premium"
      refund_status: "requested" | "succeeded" | "failed"
      requirement_kind: "free_text" | "multiple_choice" | "attachment"
      whop_event_status:
        | "received"
        | "processed"
        | "ignored"
        | "unsupported"
        | "waiting"
        | "failed"
        | "quarantined"
      withdrawal_status:
        | "requested"
        | "awaiting_payment"
        | "in_transit"
        | "completed"
        | "failed"
        | "canceled"
        | "denied"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      admin_action: [
        "suspend_seller",
        "reinstate_seller",
        "take_down_gig",
        "restore_gig",
        "create_category",
        "rename_category",
        "move_category",
        "reorder_category",
        "deactivate_category",
        "reactivate_category",
      ],
      gig_action: [
        "submit",
        "publish",
        "reject",
        "pause",
        "unpause",
        "suspend",
        "edit",
        "take_down",
        "restore",
      ],
      gig_actor: ["seller", "admin", "platform"],
      gig_sort: ["relevance", "price_low", "price_high", "rating", "newest"],
      gig_status: [
        "draft",
        "review",
        "published",
        "paused",
        "rejected",
        "taken_down",
      ],
      kyc_status: ["unstarted", "pending", "verified", "failed"],
      order_action: [
        "pay",
        "fail_payment",
        "expire_checkout",
        "submit_requirements",
        "start_work",
        "deliver",
        "request_revision",
        "accept_delivery",
        "auto_complete",
        "request_cancellation",
        "accept_cancellation",
        "decline_cancellation",
        "expire_cancellation_request",
        "open_dispute",
        "resolve_dispute_completed",
        "settle_dispute_refund",
        "refund_in_full",
        "attach_checkout",
        "request_refund",
        "refund_partially",
        "refund_failed",
        "resolve_dispute_refund",
        "mark_late",
        "mark_very_late",
        "release_reviews",
        "chargeback_won",
        "chargeback_lost",
        "remove_files",
        "abandon_checkout",
      ],
      order_actor: ["buyer", "seller", "admin", "system"],
      order_status: [
        "pending_payment",
        "awaiting_requirements",
        "in_progress",
        "delivered",
        "revision_requested",
        "completed",
        "cancel_requested",
        "cancelled",
        "disputed",
        "refunded",
      ],
      package_tier: ["basic", "standard", "premium"],
      refund_status: ["requested", "succeeded", "failed"],
      requirement_kind: ["free_text", "multiple_choice", "attachment"],
      whop_event_status: [
        "received",
        "processed",
        "ignored",
        "unsupported",
        "waiting",
        "failed",
        "quarantined",
      ],
      withdrawal_status: [
        "requested",
        "awaiting_payment",
        "in_transit",
        "completed",
        "failed",
        "canceled",
        "denied",
      ],
    },
  },
} as const

