// screen.js — is this a phone-sized window (< 768 px)? Pages lay out one column there.
import { ref } from 'vue'

export const narrow = ref(typeof window !== 'undefined' && window.innerWidth < 768)
if (typeof window !== 'undefined') window.addEventListener('resize', () => (narrow.value = window.innerWidth < 768))
